package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcNativeAppH2Test extends H2ServerTest implements OidcNativeAppContract {
}
