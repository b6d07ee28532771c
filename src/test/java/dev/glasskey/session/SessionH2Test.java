package dev.glasskey.session;

import dev.glasskey.testing.H2ServerTest;

class SessionH2Test extends H2ServerTest implements SessionContract {
}
