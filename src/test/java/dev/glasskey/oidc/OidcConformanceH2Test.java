package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcConformanceH2Test extends H2ServerTest implements OidcConformanceContract {
}
