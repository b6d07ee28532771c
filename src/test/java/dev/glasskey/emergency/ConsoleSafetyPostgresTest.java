package dev.glasskey.emergency;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class ConsoleSafetyPostgresTest extends IsolatedPostgresServerTest implements ConsoleSafetyContract {
}
