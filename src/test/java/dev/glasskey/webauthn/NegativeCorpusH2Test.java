package dev.glasskey.webauthn;

import dev.glasskey.testing.H2ServerTest;

class NegativeCorpusH2Test extends H2ServerTest implements NegativeCorpusContract {
}
