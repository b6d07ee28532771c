package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Instant;
import java.util.TreeSet;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.session.SessionCheck;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * The claims of every signed token, decided at the moment of issue:
 * <ul>
 *   <li>the signature algorithm: the client's {@code id_token_signed_response_alg} (OpenID
 *       Connect Dynamic Client Registration 1.0 §2), for the access token as well;</li>
 *   <li>for a person's tokens: {@code auth_time}, {@code amr} (RFC 8176), {@code acr} (OpenID
 *       EAP ACR Values 1.0), {@code emergency}, and {@code roles} — the roles the account holds
 *       <em>now</em> (held and PIM-activated, with this client's own application roles), read by the
 *       re-check, not from the sign-in — also under the client's groups
 *       claim name ({@link OidcClient#groupsClaim}, default {@code groups}); and no token at all for a
 *       sign-in that no longer stands ({@link SessionCheck}: {@code invalid_grant}, RFC 6749 §5.2);</li>
 *   <li>a token carrying a time-bound role (a PIM activation) expires at the latest when the role does;</li>
 *   <li>in ID tokens, {@code sid}: the Glasskey session the sign-in belongs to; a code exchange for a client
 *       with a back-channel logout URI is recorded for {@link BackchannelLogouts}.</li>
 * </ul>
 */
@Component
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {
    private final AccountService accounts;
    private final SessionCheck sessionCheck;
    private final OidcProperties properties;
    private final Clock clock;
    /** A refresh signs an access and an ID token for the same account: read it once per grant. */
    private final TransactionMemo<String, Current> accountsOfThisGrant = new TransactionMemo<>();

    /** The account and what the re-check read with it: the roles held right now and when the first of them ends by itself. */
    private record Current(Account account, SessionCheck.Outcome standing) {}

    private final BackchannelLogouts logouts;

    TokenClaims(AccountService accounts, SessionCheck sessionCheck, OidcProperties properties, Clock clock, BackchannelLogouts logouts) {
        this.logouts = logouts;
        this.accounts = accounts;
        this.sessionCheck = sessionCheck;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        SignatureAlgorithm algorithm = context.getRegisteredClient().getTokenSettings().getIdTokenSignatureAlgorithm();
        boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getJwsHeader().algorithm(algorithm == null ? SignatureAlgorithm.ES256 : algorithm);
            context.getJwsHeader().type("at+jwt"); // RFC 9068 §2.1
        }
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
            return;
        }
        SignInFacts facts = SignInFacts.from(context.getPrincipal());
        if (facts == null) {
            return;
        }
        Current current = accountsOfThisGrant.computeIfAbsent(facts.accountId(), id -> currentAccount(facts));
        Account account = current.account();
        // Issue 16 §4: the roles held at this issue (held roles and live PIM activations), recomputed at every refresh,
        // plus this client's own application roles while active (issue 16 §1); other clients' application roles never.
        TreeSet<String> roles = new TreeSet<>(SessionCheck.carried(facts.basis(), current.standing().roles()));
        roles.addAll(Roles.applicationRolesOf(context.getRegisteredClient().getClientId(), current.standing().roles()));
        context.getClaims()
                .claim("auth_time", java.util.Date.from(facts.authTime()))
                .claim("amr", new java.util.ArrayList<>(facts.amr()))
                .claim("acr", facts.acr())
                .claim("emergency", account.emergency())
                .claim("roles", new java.util.ArrayList<>(roles))
                // The same roles under the name this client's software maps groups from (OidcClient#groupsClaim).
                .claim(OidcClient.groupsClaim(context.getRegisteredClient()), new java.util.ArrayList<>(roles));
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
            if (AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType()) && context.getAuthorization() != null) {
                // This client now holds tokens of the session: it is told when the session ends (BackchannelLogouts).
                logouts.track(context.getAuthorization().getId(), facts.sid(), context.getRegisteredClient(), facts.accountId());
            }
        }
        if (idToken && facts.sid() != null) {
            // Back-Channel Logout 1.0 §2.1 / Front-Channel Logout §3: the Glasskey session, as its logout tokens name it
            // (Spring Authorization Server's own sid hashes the session cookie, which changes at every fresh sign-in).
            context.getClaims().claim("sid", facts.sid());
        }
        if (idToken) {
            var issuedAt = clock.instant();
            context.getClaims().issuedAt(issuedAt).expiresAt(issuedAt.plus(properties.idTokenTtl()));
        }
        Instant rolesUntil = current.standing().rolesUntil();
        if (rolesUntil != null && (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) || idToken)) {
            // Issue 16 §4: a token that carries a time-bound role never outlives it (JWT times are whole seconds:
            // NumericDate drops the fraction, so the exp written is at or before the activation's end).
            Instant exp = context.getClaims().build().getExpiresAt();
            if (exp == null || exp.isAfter(rolesUntil)) {
                context.getClaims().expiresAt(rolesUntil);
            }
        }
        if (idToken) {
            // Core 1.0 §5.4 allows scope claims in the ID token; relying parties that read only the ID token (the
            // Kubernetes API server) need them there.
            ScopeClaims.of(account, context.getAuthorizedScopes()).forEach(context.getClaims()::claim);
        }
    }

    /**
     * The account as it is now, for a grant whose sign-in still stands ({@link SessionCheck}): a
     * disabled or deleted account, a revoked credential, a lost key, a removed role or "sign out
     * everywhere" since the sign-in, or a sign-in past its lifetime, gets no token
     * ({@code invalid_grant}, RFC 6749 §5.2).
     */
    private Current currentAccount(SignInFacts facts) {
        SessionCheck.Outcome standing = sessionCheck.standing(facts.basis(), Times.now(clock));
        var ended = standing.ended();
        if (ended.isPresent()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                    "The sign-in behind this grant no longer stands: " + ended.get().description() + ".", null));
        }
        try {
            return new Current(accounts.get(facts.accountId()), standing);
        } catch (GlasskeyException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The account no longer exists.", null));
        }
    }
}
