package dev.glasskey.webauthn;

import dev.glasskey.testing.PostgresServerTest;

class NegativeCorpusPostgresTest extends PostgresServerTest implements NegativeCorpusContract {
}
