package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcNativeAppPostgresTest extends PostgresServerTest implements OidcNativeAppContract {
}
