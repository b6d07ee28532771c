package dev.glasskey.oidc;

import dev.glasskey.testing.PostgresServerTest;

class OidcRecipesPostgresTest extends PostgresServerTest implements OidcRecipesContract {
}
