package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcH2Test extends H2ServerTest implements OidcContract {
}
