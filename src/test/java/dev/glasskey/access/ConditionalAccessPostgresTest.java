package dev.glasskey.access;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class ConditionalAccessPostgresTest extends IsolatedPostgresServerTest implements ConditionalAccessContract {
}
