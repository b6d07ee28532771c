package dev.glasskey.web;

import dev.glasskey.testing.IsolatedPostgresServerTest;

class PimPagesPostgresTest extends IsolatedPostgresServerTest implements PimPagesContract {
}
