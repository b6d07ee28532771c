package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedH2ServerTest;

class PimTokensH2Test extends IsolatedH2ServerTest implements PimTokensContract {
}
