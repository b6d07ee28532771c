package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedH2ServerTest;

class PimHostileInputH2Test extends IsolatedH2ServerTest implements PimHostileInputContract {
}
