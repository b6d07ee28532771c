package dev.glasskey.oidc;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;

import com.nimbusds.oauth2.sdk.AuthorizationCode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/** What the OpenID Connect contracts share: people with keys and signed-in browsers, relying parties, audit counts. */
public interface OidcFixtures extends Fixtures {

    /** A person: an account with a security key, and a browser signed in with it. */
    record Person(String accountId, String userHandle, SoftwareAuthenticator key, Client browser) {}

    @BeforeEach
    default void realTime() {
        // The relying party validates token times against the real clock.
        clock().reset();
    }

    default Person person(Client admin, boolean emergency, String... roles) {
        String accountId = createAccount(admin, (emergency ? "Emergency " : "Person ") + System.nanoTime(), emergency, roles)
                .path("id").asString();
        String keyId = registerKey(admin, "OIDC key " + System.nanoTime(), "Safe, HQ").path("id").asString();
        SoftwareAuthenticator key = newKey();
        Client.Response enrolled = enrol(client(), issueLink(admin, accountId, keyId), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        String handle = accounts().get(accountId).userHandle();
        Client browser = client();
        assertThat(signIn(browser, key, handle).status()).isEqualTo(200);
        return new Person(accountId, handle, key, browser);
    }

    default RelyingParty confidentialClient(Client admin, String alg) {
        return RelyingParty.register(admin, baseUrl(), Map.of("name", "RP " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/callback/" + System.nanoTime()),
                "postLogoutRedirectUris", List.of("https://rp.example/signed-out"),
                "grantTypes", List.of("authorization_code", "refresh_token", "client_credentials"),
                "scopes", List.of("openid", "profile"),
                "idTokenSignedResponseAlg", alg));
    }

    /** Authorization request in the person's signed-in browser: the code at the callback. */
    default AuthorizationCode authorize(Person p, RelyingParty.Attempt attempt) {
        Client.Redirect r = p.browser().navigate(attempt.uri().toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        return attempt.code(r.location());
    }

    default long auditCount(long after, String action, String outcome) {
        return auditSince(after).stream().filter(e -> e.action().equals(action) && e.outcome().equals(outcome)).count();
    }
}
