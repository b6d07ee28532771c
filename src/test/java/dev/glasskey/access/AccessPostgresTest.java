package dev.glasskey.access;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class AccessPostgresTest extends IsolatedPostgresServerTest implements AccessContract {
}
