package dev.glasskey.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/** The remembered parse of the attributes column: same content every read, no shared mutable principal. */
class AuthorizationStoreAttributesTest {

    @Test
    @SuppressWarnings("unchecked")
    void rememberedAttributesAreEqualButThePrincipalIsACopyPerRead() {
        AuthorizationStore store = new AuthorizationStore(null, null);
        Authentication principal = new SignInFacts("acc-1", Instant.parse("2026-11-25T10:00:00Z"), "cred", "key", true, true, false,
                "urn:glasskey:acr:hwk", 3, "sid-1", "hwk").toPrincipal();
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri("https://idp.example/oauth2/authorize").clientId("rp").redirectUri("https://rp.example/cb")
                .scopes(Set.of("openid", "profile")).state("s").additionalParameters(Map.of("nonce", "n")).build();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(Principal.class.getName(), principal);
        attributes.put(OAuth2AuthorizationRequest.class.getName(), request);
        String text = store.writeMap(attributes);

        Map<String, Object> first = store.readAttributes(text);
        Map<String, Object> second = store.readAttributes(text);
        UsernamePasswordAuthenticationToken a = (UsernamePasswordAuthenticationToken) first.get(Principal.class.getName());
        UsernamePasswordAuthenticationToken b = (UsernamePasswordAuthenticationToken) second.get(Principal.class.getName());
        assertNotSame(a, b);
        assertEquals(SignInFacts.from(principal), SignInFacts.from(a));
        assertEquals(SignInFacts.from(a), SignInFacts.from(b));
        assertEquals(a.getAuthorities(), principal.getAuthorities());
        assertSame(first.get(OAuth2AuthorizationRequest.class.getName()), second.get(OAuth2AuthorizationRequest.class.getName()));

        ((Map<String, String>) a.getDetails()).put("accountId", "someone-else");
        a.setAuthenticated(false);
        UsernamePasswordAuthenticationToken c = (UsernamePasswordAuthenticationToken) store.readAttributes(text).get(Principal.class.getName());
        assertEquals("acc-1", SignInFacts.from(c).accountId());
        assertEquals(true, c.isAuthenticated());
    }
}
