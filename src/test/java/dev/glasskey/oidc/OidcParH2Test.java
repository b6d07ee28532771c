package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcParH2Test extends H2ServerTest implements OidcParContract {
}
