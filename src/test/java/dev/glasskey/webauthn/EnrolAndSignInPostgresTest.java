package dev.glasskey.webauthn;

import dev.glasskey.testing.PostgresServerTest;

class EnrolAndSignInPostgresTest extends PostgresServerTest implements EnrolAndSignInContract {
}
