package dev.glasskey.webauthn;

import dev.glasskey.testing.H2ServerTest;

class CeremonyFuzzH2Test extends H2ServerTest implements CeremonyFuzzContract {
}
