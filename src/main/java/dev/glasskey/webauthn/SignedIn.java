package dev.glasskey.webauthn;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The outcome of a verified sign-in: who, with which method — a security key or passkey (which
 * credential on which key), or a password and authenticator-app code (issue 15: no credential, no
 * key) — and what was proven.
 *
 * @param securityVersion the account's security version at the sign-in: a session or token made
 *        from this sign-in is over once the account's number has moved on
 * @param method {@link #SECURITY_KEY}, {@link #PASSKEY} or {@link #PASSWORD_AND_CODE}; null in
 *        sessions made before methods existed, which were all security-key sign-ins
 */
public record SignedIn(String accountId, String displayName, boolean emergency, Set<String> roles,
                       String credentialId, String keyId, String aaguid, boolean attestationTrusted,
                       boolean userVerified, Instant authTime, long securityVersion, String method) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** A device-bound WebAuthn credential (not backup eligible): RFC 8176 {@code hwk}. */
    public static final String SECURITY_KEY = "hwk";
    /** A synced passkey (backup eligible, WebAuthn L3 §6.1.3): RFC 8176 {@code swk}. */
    public static final String PASSKEY = "swk";
    /** A password and an authenticator-app (TOTP) code: RFC 8176 {@code pwd} + {@code otp}. */
    public static final String PASSWORD_AND_CODE = "pwd+otp";

    /** The acr ladder, weakest first (docs/API.md, "Authentication context"): each class satisfies those before it. */
    public static final List<String> ACR_LADDER = List.of("mfa", "phr", "phrh");

    public SignedIn {
        roles = Set.copyOf(roles);
        method = method == null ? SECURITY_KEY : method;
    }

    /** A security-key or passkey sign-in. */
    public SignedIn(String accountId, String displayName, boolean emergency, Set<String> roles, String credentialId, String keyId,
                    String aaguid, boolean attestationTrusted, boolean userVerified, Instant authTime, long securityVersion) {
        this(accountId, displayName, emergency, roles, credentialId, keyId, aaguid, attestationTrusted, userVerified, authTime,
                securityVersion, SECURITY_KEY);
    }

    /** A password + authenticator-app sign-in (issue 15): no credential, no key. */
    public static SignedIn withPasswordAndCode(String accountId, String displayName, Set<String> roles, Instant authTime,
                                               long securityVersion) {
        return new SignedIn(accountId, displayName, false, roles, null, null, null, false, false, authTime, securityVersion,
                PASSWORD_AND_CODE);
    }

    /** The same sign-in carrying other roles: those its account holds at this request (issue 16, PIM). */
    public SignedIn withRoles(Set<String> current) {
        return new SignedIn(accountId, displayName, emergency, current, credentialId, keyId, aaguid, attestationTrusted, userVerified,
                authTime, securityVersion, method);
    }

    @JsonIgnore
    public boolean passwordAndCode() {
        return PASSWORD_AND_CODE.equals(method);
    }

    /** RFC 8176 authentication method references of this sign-in ({@link #amr(String, boolean)}). */
    @JsonIgnore
    public List<String> amr() {
        return amr(method, userVerified);
    }

    /** The authentication context class this sign-in achieved ({@link #acr(String, boolean, boolean)}). */
    @JsonIgnore
    public String acr() {
        return acr(method, userVerified, attestationTrusted);
    }

    /**
     * RFC 8176 §2: {@code hwk} (proof of possession of a hardware-secured key) or {@code swk} (a
     * software-secured, synced key), {@code user} (the authenticator verified the user) and {@code mfa}
     * (possession plus the PIN or fingerprint); {@code pin} / {@code fpt} are not claimed: WebAuthn does
     * not say which of the two the key used. A password and code: {@code pwd}, {@code otp}, {@code mfa}.
     * The same in the session API, the console and ID tokens.
     */
    public static List<String> amr(String method, boolean userVerified) {
        if (PASSWORD_AND_CODE.equals(method)) {
            return List.of("pwd", "otp", "mfa");
        }
        String key = PASSKEY.equals(method) ? "swk" : "hwk";
        return userVerified ? List.of(key, "user", "mfa") : List.of(key, "user");
    }

    /**
     * The ladder {@code mfa} &lt; {@code phr} &lt; {@code phrh} (OpenID EAP ACR Values 1.0 §2 for the
     * last two): {@code phrh} — a WebAuthn sign-in with user verification whose key's attestation chains
     * to a root pinned for an allowed model; {@code phr} — any other WebAuthn sign-in (origin-bound,
     * so phishing-resistant), synced passkeys included; {@code mfa} — a password and code: two factors,
     * but a code can be phished.
     */
    public static String acr(String method, boolean userVerified, boolean attestationTrusted) {
        if (PASSWORD_AND_CODE.equals(method)) {
            return "mfa";
        }
        return SECURITY_KEY.equals(method) && userVerified && attestationTrusted ? "phrh" : "phr";
    }
}
