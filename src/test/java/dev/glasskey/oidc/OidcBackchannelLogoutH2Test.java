package dev.glasskey.oidc;

import dev.glasskey.testing.H2ServerTest;

class OidcBackchannelLogoutH2Test extends H2ServerTest implements OidcBackchannelLogoutContract {
}
