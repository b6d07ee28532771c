package dev.glasskey.mds;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class MetadataPostgresTest extends IsolatedPostgresServerTest implements MetadataContract {
}
