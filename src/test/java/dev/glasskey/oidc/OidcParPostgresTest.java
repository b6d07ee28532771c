package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcParPostgresTest extends PostgresServerTest implements OidcParContract {
}
