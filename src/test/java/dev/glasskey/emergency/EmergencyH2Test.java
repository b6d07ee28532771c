package dev.glasskey.emergency;

import dev.glasskey.testing.IsolatedH2ServerTest;

class EmergencyH2Test extends IsolatedH2ServerTest implements EmergencyContract {
}
