package dev.glasskey.web;

import dev.glasskey.testing.H2ServerTest;

class PermissionH2Test extends H2ServerTest implements PermissionContract {
}
