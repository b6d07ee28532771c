package dev.glasskey.account;

import dev.glasskey.testing.H2ServerTest;

class AdminApiH2Test extends H2ServerTest implements AdminApiContract {
}
