package dev.glasskey.emergency;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class EmergencyPostgresTest extends IsolatedPostgresServerTest implements EmergencyContract {
}
