package dev.glasskey.people;

import dev.glasskey.testing.H2ServerTest;

class PeopleH2Test extends H2ServerTest implements PeopleContract {
}
