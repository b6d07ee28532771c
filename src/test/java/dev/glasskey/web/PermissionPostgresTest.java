package dev.glasskey.web;

import dev.glasskey.testing.PostgresServerTest;

class PermissionPostgresTest extends PostgresServerTest implements PermissionContract {
}
