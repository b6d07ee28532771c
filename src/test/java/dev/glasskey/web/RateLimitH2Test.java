package dev.glasskey.web;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

/** {@link RateLimitContract} on H2, in a context of its own with the real default limits. */
class RateLimitH2Test extends ServerTest implements RateLimitContract {
    static final int PORT = freePort();

    @DynamicPropertySource
    static void realLimitsOnH2(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-rate-limit-").toString());
        RateLimitContract.realLimits(registry);
    }

    @Override
    public int port() {
        return PORT;
    }
}
