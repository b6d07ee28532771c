package dev.glasskey.people;

import dev.glasskey.testing.PostgresServerTest;

class PeoplePostgresTest extends PostgresServerTest implements PeopleContract {
}
