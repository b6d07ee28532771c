package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcPrivateKeyJwtH2Test extends H2ServerTest implements OidcPrivateKeyJwtContract {
}
