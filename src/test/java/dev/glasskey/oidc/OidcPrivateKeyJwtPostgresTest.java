package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcPrivateKeyJwtPostgresTest extends PostgresServerTest implements OidcPrivateKeyJwtContract {
}
