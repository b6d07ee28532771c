package dev.glasskey.webauthn;

import dev.glasskey.testing.PostgresServerTest;

class CeremonyFuzzPostgresTest extends PostgresServerTest implements CeremonyFuzzContract {
}
