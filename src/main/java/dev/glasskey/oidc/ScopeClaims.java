package dev.glasskey.oidc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.security.oauth2.core.oidc.OidcScopes;

import dev.glasskey.account.Account;

/**
 * The standard claims that scopes ask for (OpenID Connect Core 1.0 §5.4), the same in the ID token and
 * at UserInfo, read from the account as it is when the token or the answer is made:
 * <ul>
 *   <li>{@code profile}: {@code name} (the display name) and {@code preferred_username} ({@link Account#preferredUsername}:
 *       the sign-in name, or the account's name where there is none). The other profile claims of §5.4
 *       ({@code given_name}, {@code picture}, …) are not kept, so not sent (§5.3.2: omitted, never empty).</li>
 *   <li>{@code email}: {@code email} and {@code email_verified}, only for an account an administrator gave an address;
 *       {@code email_verified} is true only when that administrator asserted the address was checked — Glasskey sends
 *       no mail and verifies nothing itself, and a relying party that trusts {@code email_verified} (Kubernetes with
 *       {@code --oidc-username-claim=email} refuses {@code false}) must be able to.</li>
 * </ul>
 * {@link Discovery} advertises exactly these scopes and claims.
 */
final class ScopeClaims {
    static final String EMAIL_SCOPE = OidcScopes.EMAIL;
    static final List<String> SCOPES = List.of(OidcScopes.OPENID, OidcScopes.PROFILE, EMAIL_SCOPE);
    static final List<String> CLAIMS = List.of("name", "preferred_username", "email", "email_verified");

    private ScopeClaims() {}

    static Map<String, Object> of(Account account, Set<String> scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (scopes.contains(OidcScopes.PROFILE)) {
            claims.put("name", account.displayName());
            claims.put("preferred_username", account.preferredUsername());
        }
        if (scopes.contains(EMAIL_SCOPE) && account.email() != null) {
            claims.put("email", account.email());
            claims.put("email_verified", account.emailVerified());
        }
        return claims;
    }
}
