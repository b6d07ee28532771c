package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcRecipesH2Test extends H2ServerTest implements OidcRecipesContract {
}
