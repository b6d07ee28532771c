package dev.glasskey.access;

import java.net.InetAddress;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.account.Account;
import dev.glasskey.oidc.AuthorizationAccess;
import dev.glasskey.oidc.SignInFacts;
import dev.glasskey.pim.ActivationCheck;
import dev.glasskey.session.SessionRoles;
import dev.glasskey.session.SignInAccess;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.IpRange;
import dev.glasskey.system.Times;
import dev.glasskey.webauthn.SignedIn;

/**
 * Conditional Access where access is granted (issue 17 §2): the hooks that {@code session},
 * {@code oidc} and {@code pim} define, implemented here so every dependency points down to them.
 * Each gathers the facts of its request — the real client address (behind a trusted proxy, the
 * forwarded one: {@code web.ForwardedHeaders}), whether the request presented a client certificate
 * chaining to a device CA (on direct TLS, or forwarded by a trusted proxy), what the sign-in proved —
 * and asks the one evaluator through {@link AccessDecisions}, which records the decision.
 *
 * <p>With no policy on or report-only, every hook answers "allowed" from memory: no query, no
 * certificate validation.
 */
@Component
@org.springframework.boot.context.properties.EnableConfigurationProperties(AccessProperties.class)
class AccessEnforcement implements SignInAccess, AuthorizationAccess, ActivationCheck {
    /** The servlet attribute a container (and, for a trusted proxy's header, {@code web.ForwardedHeaders}) puts the client's chain in. */
    static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final AccessDecisions decisions;
    private final AccessService access;
    private final ObjectProvider<SessionRoles> roles;
    private final JdbcClient jdbc;
    private final java.time.Clock clock;

    AccessEnforcement(AccessDecisions decisions, AccessService access, ObjectProvider<SessionRoles> roles, JdbcClient jdbc,
                      java.time.Clock clock) {
        this.decisions = decisions;
        this.access = access;
        this.roles = roles;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // --- session: sign-in and console requests from a new address ---

    @Override
    public Optional<Refusal> atSignIn(SignedIn signedIn, HttpServletRequest request) {
        if (!decisions.anyPolicy()) {
            return Optional.empty();
        }
        Decision d = decisions.decide(AccessDecisions.Event.SIGN_IN, context(signedIn, Resource.CONSOLE, request), null, actor(signedIn));
        return refusal(d);
    }

    @Override
    public Optional<Refusal> onAddressChange(SignedIn signedIn, HttpServletRequest request, String sid) {
        if (!decisions.anyPolicy()) {
            return Optional.empty();
        }
        Decision d = decisions.decide(AccessDecisions.Event.CONSOLE, context(signedIn, Resource.CONSOLE, request), sid, actor(signedIn));
        return refusal(d).map(r -> new Refusal(r.code(), "the client address changed to " + request.getRemoteAddr() + " and "
                + AccessDecisions.explain(d) + ": sign in again"));
    }

    private static Optional<Refusal> refusal(Decision d) {
        return switch (d.enforced().outcome()) {
            case ALLOW -> Optional.empty();
            case BLOCK -> Optional.of(new Refusal(ErrorCode.ACCESS_BLOCKED, "Conditional Access: " + AccessDecisions.explain(d) + "."));
            case REQUIRE -> Optional.of(new Refusal(ErrorCode.ACCESS_REQUIREMENT_UNMET, "Conditional Access: this sign-in "
                    + AccessDecisions.explain(d) + "."));
        };
    }

    // --- OpenID Connect: every authorization (SSO reuse included) and every refresh ---

    @Override
    public Verdict atAuthorization(SignedIn signedIn, String clientId, String sid, HttpServletRequest request, boolean freshSignInDone) {
        if (!decisions.anyPolicy()) {
            return Verdict.ALLOWED;
        }
        Decision d = decisions.decide(AccessDecisions.Event.AUTHORIZE, context(signedIn, Resource.client(clientId), request), sid,
                actor(signedIn));
        return switch (d.enforced().outcome()) {
            case ALLOW -> Verdict.ALLOWED;
            case BLOCK -> new Verdict(Outcome.DENY, "Conditional Access: " + AccessDecisions.explain(d) + ".");
            // A fresh sign-in can give a stronger method or a recent authentication, never a compliant device.
            case REQUIRE -> !freshSignInDone && d.enforced().required().stream().allMatch(u -> u.anyOf().stream()
                    .anyMatch(c -> !(c instanceof Control.RequireCompliantDevice)))
                    ? new Verdict(Outcome.FRESH_SIGN_IN, null)
                    : new Verdict(Outcome.DENY, "Conditional Access: this sign-in " + AccessDecisions.explain(d) + ".");
        };
    }

    @Override
    public Verdict atRefresh(SignInFacts facts, String clientId, HttpServletRequest request) {
        if (!decisions.anyPolicy()) {
            return Verdict.ALLOWED;
        }
        Instant now = Times.now(clock);
        SignInContext context = new SignInContext(facts.accountId(), facts.emergency(), Set.of(), currentRoles(facts.accountId(), now),
                Resource.client(clientId), address(request), compliant(request), Set.copyOf(facts.amr()), facts.acr(),
                attestedModel(facts), facts.authTime(), now);
        Decision d = decisions.decide(AccessDecisions.Event.REFRESH, context, facts.sid(), new Actor(facts.accountId(), facts.accountId()));
        return d.enforced().outcome() == Decision.Outcome.ALLOW ? Verdict.ALLOWED
                : new Verdict(Outcome.DENY, AccessDecisions.explain(d) + ".");
    }

    /** The model a refreshed grant's key attested, read only when policies are in force (a strength may name models). */
    private UUID attestedModel(SignInFacts facts) {
        if (!facts.attestationTrusted() || facts.credentialId() == null) {
            return null;
        }
        return jdbc.sql("select aaguid from credential where id = :id").param("id", facts.credentialId()).query(String.class).optional()
                .map(AccessEnforcement::uuid).orElse(null);
    }

    // --- PIM activation ---

    /**
     * The console, with the role counted as active (policies that target the role apply to its
     * activation). Allowed: recorded in the activation's transaction; refused: recorded apart, then thrown.
     */
    @Override
    public void check(SignedIn caller, Account account, String role) {
        if (!decisions.anyPolicy()) {
            return;
        }
        HttpServletRequest request = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                ? attrs.getRequest() : null;
        Instant now = Times.now(clock);
        Set<String> active = new java.util.HashSet<>(currentRoles(account.id(), now));
        active.add(role);
        SignInContext context = new SignInContext(account.id(), account.emergency(), account.roles(), active, Resource.CONSOLE,
                request == null ? null : address(request), request != null && compliant(request), Set.copyOf(caller.amr()),
                caller.acr(), attestedModel(caller), caller.authTime(), now);
        Actor actor = actor(caller);
        if (AccessEvaluator.evaluate(access.policySet(), context).enforced().outcome() == Decision.Outcome.ALLOW) {
            decisions.decide(AccessDecisions.Event.PIM_ACTIVATION, context, null, actor);
            return;
        }
        Decision d = decisions.decideApart(AccessDecisions.Event.PIM_ACTIVATION, context, null, actor);
        if (d.enforced().outcome() != Decision.Outcome.ALLOW) {
            throw new GlasskeyException(ErrorCode.PIM_ACTIVATION_BLOCKED, "Conditional Access: activating '" + role + "' "
                    + AccessDecisions.explain(d) + ".", "role");
        }
    }

    // --- the facts ---

    private SignInContext context(SignedIn s, Resource resource, HttpServletRequest request) {
        Instant now = Times.now(clock);
        return new SignInContext(s.accountId(), s.emergency(), s.roles(), currentRoles(s.accountId(), now), resource, address(request),
                compliant(request), Set.copyOf(s.amr()), s.acr(), attestedModel(s), s.authTime(), now);
    }

    /** Roles active through PIM now (issue 16), from its session hook: one indexed read. */
    private Set<String> currentRoles(String accountId, Instant now) {
        SessionRoles source = roles.getIfAvailable();
        return source == null ? Set.of() : source.current(accountId, now);
    }

    private static Actor actor(SignedIn s) {
        return new Actor(s.accountId(), s.displayName());
    }

    /** The key model, when its attestation chained to a pinned root (the {@code allowed-models} strength). */
    private static UUID attestedModel(SignedIn s) {
        return s.attestationTrusted() && s.aaguid() != null ? uuid(s.aaguid()) : null;
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The request's real client address (already the forwarded one behind a trusted proxy). */
    static InetAddress address(HttpServletRequest request) {
        return IpRange.address(request.getRemoteAddr()).orElse(null);
    }

    /**
     * A compliant device (issue 17 §1): the request presented a client certificate that chains to a
     * configured device CA, valid now (the one clock), by the JDK's PKIX validation (RFC 5280 §6).
     * Revocation is not checked: an MDM revokes a device by removing it from its CA's issuance, and
     * Glasskey fetches no CRL on a sign-in's path.
     */
    boolean compliant(HttpServletRequest request) {
        if (!(request.getAttribute(CLIENT_CERTIFICATES) instanceof X509Certificate[] chain) || chain.length == 0) {
            return false;
        }
        return chains(chain, decisions.deviceCas(), Times.now(clock));
    }

    static boolean chains(X509Certificate[] chain, Set<TrustAnchor> stored, Instant now) {
        // PKIX does not judge an anchor's own validity: a device CA that expired makes no device compliant.
        Set<TrustAnchor> anchors = new java.util.HashSet<>();
        for (TrustAnchor anchor : stored) {
            try {
                anchor.getTrustedCert().checkValidity(Date.from(now));
                anchors.add(anchor);
            } catch (java.security.cert.CertificateException expiredOrNotYetValid) {
                // not an anchor now
            }
        }
        if (anchors.isEmpty() || chain.length > 10) {
            return false;
        }
        try {
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) {
                // The anchor itself is not part of the path (RFC 5280 §6.1: the path starts below the trust anchor).
                if (anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))) {
                    path.add(c);
                }
            }
            if (path.isEmpty()) {
                return false; // a CA certificate presented as the device's own
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
