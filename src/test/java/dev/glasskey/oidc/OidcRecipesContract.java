package dev.glasskey.oidc;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;

import net.minidev.json.JSONObject;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipes of docs/OPERATIONS.md ("OpenID Connect: letting other systems accept Glasskey
 * sign-in"), each registered as the recipe says and played with the requests that software
 * sends — parameters, client authentication, scopes — and the checks it makes on what it gets:
 * kubelogin and the Kubernetes API server, Vault's OIDC auth method, Grafana's generic OAuth, a
 * Spring Boot resource server.
 */
public interface OidcRecipesContract extends OidcFixtures {

    /** The query string of an authorization request, in the order given. */
    static String query(String... nameValues) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            q.append(q.isEmpty() ? "?" : "&").append(nameValues[i]).append('=')
                    .append(java.net.URLEncoder.encode(nameValues[i + 1], java.nio.charset.StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    static String challenge(CodeVerifier verifier) {
        return com.nimbusds.oauth2.sdk.pkce.CodeChallenge.compute(com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256, verifier).getValue();
    }

    /** What kube-apiserver checks of an ID token (--oidc-issuer-url, --oidc-client-id, --oidc-signing-algs=RS256, claims). */
    static JWTClaimsSet apiServerVerifies(String issuer, String clientId, String idToken) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.create(URI.create(issuer + "/oauth2/jwks").toURL()).build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId, new JWTClaimsSet.Builder().issuer(issuer).build(),
                java.util.Set.of("sub", "exp", "iat")));
        return processor.process(idToken, null);
    }

    /** The account as an administrator completes it for relying parties: a sign-in name and a checked address. */
    default String[] withNameAndAddress(Client admin, Person p, String signInName, String email) {
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/sign-in-name", Map.of("signInName", signInName)).status()).isEqualTo(200);
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", email, "verified", true)).status()).isEqualTo(200);
        return new String[] {signInName, email, admin.get("/api/accounts/" + p.accountId()).json().path("displayName").asString()};
    }

    @Test
    default void kubeloginAndTheKubernetesApiServer() throws Exception {
        Client admin = newAdmin().http();
        Person p = person(admin, false, "auditor");
        String email = "kube" + System.nanoTime() + "@example.org";
        withNameAndAddress(admin, p, "kube" + System.nanoTime(), email);
        // Recipe: client add --public --grant authorization_code,refresh_token --redirect-uri http://127.0.0.1:8000 --alg RS256
        RelyingParty reg = RelyingParty.register(admin, baseUrl(), Map.of("name", "kubelogin", "type", "public",
                "grantTypes", List.of("authorization_code", "refresh_token"), "redirectUris", List.of("http://127.0.0.1:8000"),
                "idTokenSignedResponseAlg", "RS256"));
        String clientId = reg.clientId.getValue();
        var discovery = RelyingParty.discover(baseUrl());
        assertThat(discovery.getCodeChallengeMethods()).extracting(Object::toString).contains("S256"); // kubelogin then uses PKCE

        // kubelogin, --oidc-redirect-url-hostname=127.0.0.1, port 8000 busy: its fallback listener on 18000.
        CodeVerifier verifier = new CodeVerifier();
        String redirect = "http://127.0.0.1:18000";
        Client.Redirect r = p.browser().navigate(discovery.getAuthorizationEndpointURI() + query("access_type", "offline",
                "client_id", clientId, "code_challenge", challenge(verifier), "code_challenge_method", "S256",
                "nonce", "n-0S6", "redirect_uri", redirect, "response_type", "code", "scope", "openid email", "state", "af0ifjsldkj"));
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        Map<String, String> back = OidcConformanceContract.responseParams(r.location());
        assertThat(back).containsEntry("state", "af0ifjsldkj").containsKey("code");
        HTTPResponse token = OidcConformanceContract.form(discovery.getTokenEndpointURI(), null, "client_id", clientId,
                "code", back.get("code"), "code_verifier", verifier.getValue(), "grant_type", "authorization_code", "redirect_uri", redirect);
        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        JSONObject tokens = OidcConformanceContract.json(token);
        assertThat(tokens).containsKeys("id_token", "refresh_token", "access_token");

        // The API server: RS256 only, aud = client id; username from sub (or, with --oidc-username-claim=email and kubelogin's
        // --oidc-extra-scope=email, from email, which it takes only with email_verified true), groups from groups.
        JWTClaimsSet id = apiServerVerifies(baseUrl(), clientId, (String) tokens.get("id_token"));
        assertThat(id.getSubject()).isEqualTo(p.accountId());
        assertThat(id.getStringClaim("email")).isEqualTo(email);
        assertThat(id.getBooleanClaim("email_verified")).isTrue();
        assertThat(id.getStringListClaim("groups")).containsExactly("auditor");
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-0S6");

        // kubelogin refreshes when the ID token expires: client_id and the refresh token, no secret, no new key touch.
        HTTPResponse refreshed = OidcConformanceContract.form(discovery.getTokenEndpointURI(), null, "client_id", clientId,
                "grant_type", "refresh_token", "refresh_token", (String) tokens.get("refresh_token"));
        assertThat(refreshed.getStatusCode()).as(refreshed.getBody()).isEqualTo(200);
        JSONObject again = OidcConformanceContract.json(refreshed);
        JWTClaimsSet refreshedId = apiServerVerifies(baseUrl(), clientId, (String) again.get("id_token"));
        assertThat(refreshedId.getStringListClaim("groups")).containsExactly("auditor");
        assertThat(refreshedId.getStringClaim("email")).isEqualTo(email);
        assertThat(refreshedId.getBooleanClaim("email_verified")).isTrue();
        assertThat(again.get("refresh_token")).isNotEqualTo(tokens.get("refresh_token"));
    }

    @Test
    default void vaultsOidcAuthMethod() throws Exception {
        Client admin = newAdmin().http();
        Person p = person(admin, false, "key-custodian");
        String[] person = withNameAndAddress(admin, p, "vault" + System.nanoTime(), "vault" + System.nanoTime() + "@example.org");
        // Recipe: both Vault redirect URIs; Vault's own PKCE use varies by version: PKCE not required.
        RelyingParty reg = RelyingParty.register(admin, baseUrl(), Map.of("name", "Vault",
                "redirectUris", List.of("https://vault.example/ui/vault/auth/oidc/oidc/callback", "http://localhost:8250/oidc/callback"),
                "requirePkce", false));
        var discovery = RelyingParty.discover(baseUrl());
        String redirect = "http://localhost:8250/oidc/callback";
        Client.Redirect r = p.browser().navigate(discovery.getAuthorizationEndpointURI() + query("client_id", reg.clientId.getValue(),
                "nonce", "n_vault", "redirect_uri", redirect, "response_type", "code", "scope", "openid profile email", "state", "st_vault"));
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        Map<String, String> back = OidcConformanceContract.responseParams(r.location());
        // Go's oauth2 package: client credentials in the Authorization header first (AuthStyleAutoDetect).
        HTTPResponse token = OidcConformanceContract.form(discovery.getTokenEndpointURI(),
                OidcConformanceContract.basic(reg.clientId.getValue(), reg.secret.getValue()),
                "code", back.get("code"), "grant_type", "authorization_code", "redirect_uri", redirect);
        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        SignedJWT id = SignedJWT.parse((String) OidcConformanceContract.json(token).get("id_token"));
        // Vault: user_claim=sub, groups_claim=groups, bound_claims acr (phr here: the test key's attestation is not pinned).
        JWTClaimsSet claims = reg.validator().validate(id, new com.nimbusds.openid.connect.sdk.Nonce("n_vault")).toJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(p.accountId());
        assertThat(claims.getStringListClaim("groups")).containsExactly("key-custodian");
        assertThat(claims.getStringClaim("acr")).isIn("phr", "phrh");
        // oidc_scopes=profile,email; claim_mappings preferred_username=username, email=email, name=name (the token's metadata).
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(person[0]);
        assertThat(claims.getStringClaim("email")).isEqualTo(person[1]);
        assertThat(claims.getStringClaim("name")).isEqualTo(person[2]);
    }

    @Test
    default void grafanasGenericOauth() throws Exception {
        Client admin = newAdmin().http();
        Person p = person(admin, false, "global-admin", "auditor");
        String[] person = withNameAndAddress(admin, p, "grafana" + System.nanoTime(), "grafana" + System.nanoTime() + "@example.org");
        RelyingParty reg = RelyingParty.register(admin, baseUrl(), Map.of("name", "Grafana",
                "redirectUris", List.of("https://grafana.example/login/generic_oauth"), "scopes", List.of("openid", "profile", "email")));
        var discovery = RelyingParty.discover(baseUrl());
        String redirect = "https://grafana.example/login/generic_oauth";
        CodeVerifier verifier = new CodeVerifier();
        // scopes = openid profile email, use_pkce = true.
        Client.Redirect r = p.browser().navigate(discovery.getAuthorizationEndpointURI() + query("access_type", "online",
                "client_id", reg.clientId.getValue(), "code_challenge", challenge(verifier), "code_challenge_method", "S256",
                "redirect_uri", redirect, "response_type", "code", "scope", "openid profile email", "state", "grafana-state"));
        Map<String, String> back = OidcConformanceContract.responseParams(r.location());
        assertThat(back).containsKey("code");
        HTTPResponse token = OidcConformanceContract.form(discovery.getTokenEndpointURI(),
                OidcConformanceContract.basic(reg.clientId.getValue(), reg.secret.getValue()),
                "code", back.get("code"), "code_verifier", verifier.getValue(), "grant_type", "authorization_code", "redirect_uri", redirect);
        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        JSONObject tokens = OidcConformanceContract.json(token);
        String access = (String) tokens.get("access_token");
        // Grafana reads email from the ID token first, then email_attribute_path on UserInfo.
        JWTClaimsSet id = SignedJWT.parse((String) tokens.get("id_token")).getJWTClaimsSet();
        assertThat(id.getStringClaim("email")).isEqualTo(person[1]);
        // api_url = <base>/userinfo; groups_attribute_path = groups; role_attribute_path over groups; name for the display name.
        var info = OidcConformanceContract.get(discovery.getUserInfoEndpointURI(), "Authorization", "Bearer " + access);
        assertThat(info.statusCode()).isEqualTo(200);
        JSONObject user = com.nimbusds.oauth2.sdk.util.JSONObjectUtils.parse(info.body());
        assertThat(user.get("sub")).isEqualTo(p.accountId());
        assertThat(((List<?>) user.get("groups")).stream().map(String::valueOf).toList()).containsExactly("auditor", "global-admin");
        // login_attribute_path = preferred_username, email_attribute_path = email, name_attribute_path = name.
        assertThat(user.get("preferred_username")).isEqualTo(person[0]);
        assertThat(user.get("email")).isEqualTo(person[1]);
        assertThat(user.get("email_verified")).isEqualTo(true);
        assertThat(user.get("name")).isEqualTo(person[2]);
        String role = ((List<?>) user.get("groups")).contains("global-admin") ? "Admin" : "Viewer";
        assertThat(role).isEqualTo("Admin");
    }

    @Test
    default void aSpringBootResourceServer() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        // spring.security.oauth2.resourceserver.jwt.issuer-uri=<base>: discovery and the JWK Set's algorithms; the
        // validator for RFC 9068 access tokens (typ at+jwt, which Spring Security's default typ check refuses).
        org.springframework.security.oauth2.jwt.NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(baseUrl());
        decoder.setJwtValidator(new org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator<>(
                new org.springframework.security.oauth2.jwt.JwtTimestampValidator(), new org.springframework.security.oauth2.jwt.JwtIssuerValidator(baseUrl()),
                new org.springframework.security.oauth2.jwt.JwtTypeValidator("JWT", "at+jwt")));
        Jwt clientToken = decoder.decode(RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken().getValue());
        assertThat(clientToken.getSubject()).isEqualTo(rp.clientId.getValue());
        assertThat(clientToken.getIssuer().toString()).isEqualTo(baseUrl());

        Person p = person(admin, false, "auditor");
        RelyingParty.Attempt attempt = rp.attempt();
        Jwt personal = decoder.decode(RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens().getAccessToken().getValue());
        assertThat(personal.getSubject()).isEqualTo(p.accountId());
        assertThat(personal.getClaimAsStringList("scope")).contains("openid", "profile");
        assertThat(personal.getClaimAsStringList("groups")).containsExactly("auditor");
        assertThat(personal.getHeaders().get("typ")).isEqualTo("at+jwt");
    }
}
