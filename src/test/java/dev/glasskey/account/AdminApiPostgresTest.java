package dev.glasskey.account;

import dev.glasskey.testing.PostgresServerTest;

class AdminApiPostgresTest extends PostgresServerTest implements AdminApiContract {
}
