package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedH2ServerTest;

class PimH2Test extends IsolatedH2ServerTest implements PimContract {
}
