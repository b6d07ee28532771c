package dev.glasskey.pim;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class PimTokensPostgresTest extends IsolatedPostgresServerTest implements PimTokensContract {
}
