package dev.glasskey.oidc;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import com.nimbusds.jose.jwk.JWK;

/**
 * Health component {@code signingKeys}, part of the readiness group (docs/OPERATIONS.md, "Health
 * and metrics"): up when a key of each algorithm can sign now (the keys read, their private parts
 * unsealed), with their key ids; down otherwise, since no token could be issued.
 */
@Component
class SigningKeysHealthIndicator extends AbstractHealthIndicator {
    private final SigningKeys keys;

    SigningKeysHealthIndicator(SigningKeys keys) {
        super("The token signing keys cannot be read");
        this.keys = keys;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Object> kids = new LinkedHashMap<>();
        for (String algorithm : SigningKeys.ALGORITHMS) {
            JWK key = keys.signingKey(algorithm);
            kids.put(algorithm, key.getKeyID());
        }
        builder.up().withDetails(kids);
    }
}
