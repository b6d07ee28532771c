package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class PimHostileInputPostgresTest extends IsolatedPostgresServerTest implements PimHostileInputContract {
}
