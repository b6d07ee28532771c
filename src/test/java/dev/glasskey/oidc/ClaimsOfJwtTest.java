package dev.glasskey.oidc;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stored access token's claims, parsed from the token only when asked for, and then exactly as an eager parse gives them. */
class ClaimsOfJwtTest {

    private static String jwt() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("acc-1").issuer("http://localhost:8080")
                .issueTime(Date.from(Instant.parse("2026-11-30T10:00:00Z"))).expirationTime(Date.from(Instant.parse("2026-11-30T10:10:00Z")))
                .claim("auth_time", 1_796_032_800L).claim("roles", List.of("auditor")).claim("emergency", false).build();
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(), claims);
        signed.sign(new ECDSASigner(key));
        return signed.serialize();
    }

    @Test
    void parsedOnFirstUseOnlyAndThenEqualToTheEagerParse() throws Exception {
        String token = jwt();
        AuthorizationStore.ClaimsOfJwt lazy = new AuthorizationStore.ClaimsOfJwt(token);
        Map<String, Object> metadata = Map.of("claims", lazy);
        assertThat(metadata.containsKey("claims")).isTrue();
        assertThat(lazy.isParsed()).isFalse();

        assertThat(lazy.get("sub")).isEqualTo("acc-1");
        assertThat(lazy.isParsed()).isTrue();
        assertThat(lazy).isEqualTo(AuthorizationStore.claims(token));
        assertThat(lazy.get("iat")).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(lazy.get("auth_time")).isEqualTo(new Date(1_796_032_800_000L));
        assertThatThrownBy(() -> lazy.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
