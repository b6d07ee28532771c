package dev.glasskey.emergency;

import dev.glasskey.testing.IsolatedH2ServerTest;

class ConsoleSafetyH2Test extends IsolatedH2ServerTest implements ConsoleSafetyContract {
}
