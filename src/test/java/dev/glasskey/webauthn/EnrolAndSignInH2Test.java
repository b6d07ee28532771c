package dev.glasskey.webauthn;

import dev.glasskey.testing.H2ServerTest;

class EnrolAndSignInH2Test extends H2ServerTest implements EnrolAndSignInContract {
}
