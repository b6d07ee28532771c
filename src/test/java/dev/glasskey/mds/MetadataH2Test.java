package dev.glasskey.mds;

import dev.glasskey.testing.IsolatedH2ServerTest;

class MetadataH2Test extends IsolatedH2ServerTest implements MetadataContract {
}
