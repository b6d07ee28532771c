package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcBackchannelLogoutPostgresTest extends PostgresServerTest implements OidcBackchannelLogoutContract {
}
