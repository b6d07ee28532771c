package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class PimPostgresTest extends IsolatedPostgresServerTest implements PimContract {
}
