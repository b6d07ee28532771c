package dev.glasskey.web;

import dev.glasskey.testing.IsolatedH2ServerTest;

class PimPagesH2Test extends IsolatedH2ServerTest implements PimPagesContract {
}
