package dev.glasskey.oidc;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;

import dev.glasskey.session.SessionCheck;
import dev.glasskey.webauthn.SignedIn;

/**
 * What an authorization was granted on: the security-key sign-in behind it and the
 * authentication context class chosen for it. Spring Authorization Server stores the
 * authorization's principal as JSON with an allow-list of types, so the session's
 * {@code GlasskeyAuthentication} is handed to it as a plain
 * {@link UsernamePasswordAuthenticationToken} (name = account id) whose details carry these
 * facts as strings, and whose one {@link FactorGrantedAuthority} carries the sign-in time
 * (Spring's ID-token generator takes {@code auth_time} from it). {@code sid} is the Glasskey
 * session's id (Back-Channel Logout 1.0 §2.1; null for authorizations made before sids existed).
 */
public record SignInFacts(String accountId, Instant authTime, String credentialId, String keyId,
                          boolean attestationTrusted, boolean userVerified, boolean emergency, String acr,
                          long securityVersion, String sid, String method) {

    /** Authority of the one factor: WebAuthn with a hardware key and user verification. */
    static final String FACTOR = "FACTOR_WEBAUTHN";

    /** RFC 8176 authentication method references of the sign-in: the one definition, {@link SignedIn#amr(String, boolean)}. */
    public List<String> amr() {
        return SignedIn.amr(method, userVerified);
    }

    static SignInFacts of(SignedIn s, String acr, String sid) {
        return new SignInFacts(s.accountId(), s.authTime(), s.credentialId(), s.keyId(), s.attestationTrusted(),
                s.userVerified(), s.emergency(), acr, s.securityVersion(), sid, s.method());
    }

    /** What the sign-in rests on, for {@link SessionCheck}: tokens made from it stand only while it would. */
    SessionCheck.Basis basis() {
        return new SessionCheck.Basis(accountId, securityVersion, credentialId, keyId, emergency, authTime,
                SignedIn.PASSWORD_AND_CODE.equals(method));
    }

    /** The principal handed to the authorization server for this sign-in. */
    Authentication toPrincipal() {
        Map<String, String> details = new HashMap<>();
        details.put("accountId", accountId);
        details.put("authTime", authTime.toString());
        details.put("credentialId", credentialId);
        details.put("keyId", keyId);
        details.put("attestationTrusted", Boolean.toString(attestationTrusted));
        details.put("userVerified", Boolean.toString(userVerified));
        details.put("emergency", Boolean.toString(emergency));
        details.put("acr", acr);
        details.put("securityVersion", Long.toString(securityVersion));
        if (sid != null) {
            details.put("sid", sid);
        }
        details.put("method", method);
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.authenticated(accountId, null,
                List.of(FactorGrantedAuthority.withAuthority(FACTOR).issuedAt(authTime).build()));
        token.setDetails(details);
        return token;
    }

    /** The facts behind a principal the authorization server hands back, or null for any other principal. */
    static SignInFacts from(Authentication principal) {
        if (principal == null || !(principal.getDetails() instanceof Map<?, ?> d) || d.get("accountId") == null) {
            return null;
        }
        return new SignInFacts(String.valueOf(d.get("accountId")), Instant.parse(String.valueOf(d.get("authTime"))),
                String.valueOf(d.get("credentialId")), String.valueOf(d.get("keyId")),
                Boolean.parseBoolean(String.valueOf(d.get("attestationTrusted"))),
                Boolean.parseBoolean(String.valueOf(d.get("userVerified"))),
                Boolean.parseBoolean(String.valueOf(d.get("emergency"))), String.valueOf(d.get("acr")),
                // Authorizations made before security versions existed rest on the initial version.
                d.get("securityVersion") == null ? 0 : Long.parseLong(String.valueOf(d.get("securityVersion"))),
                d.get("sid") == null ? null : String.valueOf(d.get("sid")),
                // Authorizations made before methods existed were all security-key sign-ins.
                d.get("method") == null ? SignedIn.SECURITY_KEY : String.valueOf(d.get("method")));
    }
}
