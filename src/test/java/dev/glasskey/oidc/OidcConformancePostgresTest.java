package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcConformancePostgresTest extends PostgresServerTest implements OidcConformanceContract {
}
