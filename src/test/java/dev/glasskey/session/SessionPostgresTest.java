package dev.glasskey.session;

import dev.glasskey.testing.PostgresServerTest;

class SessionPostgresTest extends PostgresServerTest implements SessionContract {
}
