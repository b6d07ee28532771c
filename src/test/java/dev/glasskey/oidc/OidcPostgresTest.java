package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcPostgresTest extends PostgresServerTest implements OidcContract {
}
