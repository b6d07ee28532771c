package dev.glasskey.system;

import dev.glasskey.testing.H2ServerTest;

class ErrorModelH2Test extends H2ServerTest implements ErrorModelContract {
}
