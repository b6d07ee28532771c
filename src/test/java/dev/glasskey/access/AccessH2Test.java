package dev.glasskey.access;

import dev.glasskey.testing.IsolatedH2ServerTest;

class AccessH2Test extends IsolatedH2ServerTest implements AccessContract {
}
