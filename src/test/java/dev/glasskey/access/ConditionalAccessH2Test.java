package dev.glasskey.access;

import dev.glasskey.testing.IsolatedH2ServerTest;

class ConditionalAccessH2Test extends IsolatedH2ServerTest implements ConditionalAccessContract {
}
