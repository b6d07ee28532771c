package dev.glasskey.access;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.emergency.AccessPolicies;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.IpRange;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * Conditional Access, stored (issue 17): policies, named locations and device CAs, each change
 * validated as a whole {@link PolicySet}, audited ({@code policy.*}), and run through the change
 * guards, so the lockout guard judges the state after it: this service is also the
 * {@link AccessPolicies} hook through which the one definition of usable sees the policies in force
 * (issue 17 §5). A refused change rolls back whole.
 *
 * <p>Decisions read the compiled set through {@link #inForce()}: from memory, the version row
 * ({@code access_version}) read at most every {@link #RECHECK}, the set recompiled only when a change
 * moved it, so a decision costs no query. A change on this node applies at once; on another within RECHECK.
 */
@Service
public class AccessService implements AccessPolicies {
    static final int MAX_PEM = 16_384;
    static final int MAX_RANGES = 1_000;

    private final AccessStore store;
    private final Audit audit;
    private final ChangeGuards guards;
    private final AccountService accounts;
    private final Clock clock;
    /**
     * How long this node trusts its compiled set without reading the version row: a change made on
     * this node drops the set at once (after its commit), one made on another node is seen within this.
     * So a decision with the set cached costs no query at all (the hot paths: sign-in, authorization).
     */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private volatile Compiled cached = Compiled.NONE;

    /** The set in force and the device CAs as PKIX trust anchors, compiled once per version. */
    record Compiled(long version, PolicySet set, Set<java.security.cert.TrustAnchor> deviceCas, Instant checkedAt) {
        static final Compiled NONE = new Compiled(-1, PolicySet.EMPTY, Set.of(), Instant.MIN);

        Compiled checked(Instant at) {
            return new Compiled(version, set, deviceCas, at);
        }
    }

    AccessService(AccessStore store, Audit audit, ChangeGuards guards, AccountService accounts, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.guards = guards;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** A named location as the API writes it. */
    public record LocationDocument(String name, Boolean trusted, List<String> ranges) {}

    // --- reads ---

    @Transactional(readOnly = true)
    public List<AccessStore.StoredPolicy> policies() {
        return store.policies();
    }

    @Transactional(readOnly = true)
    public AccessStore.StoredPolicy policy(String id) {
        return store.policy(id).orElseThrow(() -> new GlasskeyException(ErrorCode.ACCESS_POLICY_NOT_FOUND));
    }

    @Transactional(readOnly = true)
    public List<AccessStore.StoredLocation> locations() {
        return store.locations();
    }

    @Transactional(readOnly = true)
    public AccessStore.StoredLocation location(String id) {
        return store.location(id).orElseThrow(() -> new GlasskeyException(ErrorCode.ACCESS_LOCATION_NOT_FOUND));
    }

    @Transactional(readOnly = true)
    public List<AccessStore.DeviceCa> deviceCas() {
        return store.deviceCas();
    }

    /** The policies in force, compiled ({@link #inForce}). */
    public PolicySet policySet() {
        return inForce().set();
    }

    /**
     * The policies and device CAs in force, compiled: from this node's memory while checked less than
     * {@link #RECHECK} ago, else after one single-row read of the version (recompiled only when a
     * change on any node moved it).
     */
    Compiled inForce() {
        Compiled current = cached;
        Instant now = clock.instant();
        if (!now.isBefore(current.checkedAt()) && now.isBefore(current.checkedAt().plus(RECHECK))) {
            return current;
        }
        long version = store.version();
        if (current.version() == version) {
            cached = current.checked(now);
            return current;
        }
        // Read after the version: at worst a newer set is labelled with the older version and read once more.
        Compiled fresh = new Compiled(version, read(), anchors(store.deviceCas()), now);
        cached = fresh;
        return fresh;
    }

    /** Drops this node's compiled set: the next decision reads the version row (a change was made outside this service). */
    public void forgetCached() {
        cached = Compiled.NONE;
    }

    private static Set<java.security.cert.TrustAnchor> anchors(List<AccessStore.DeviceCa> cas) {
        Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
        for (AccessStore.DeviceCa ca : cas) {
            try {
                anchors.add(new java.security.cert.TrustAnchor(caCertificate(ca.certificatePem()), null));
            } catch (GlasskeyException unreadable) {
                // Stored through addDeviceCa, so it parsed then; never let one bad row stop every decision.
            }
        }
        return Set.copyOf(anchors);
    }

    private PolicySet read() {
        return PolicySet.of(store.policies().stream().map(AccessStore.StoredPolicy::policy).toList(),
                store.locations().stream().map(AccessStore.StoredLocation::location).toList());
    }

    // --- policies ---

    @Transactional
    public AccessStore.StoredPolicy createPolicy(Actor actor, PolicyDocument document) {
        Policy policy = document(document).toPolicy(Ids.uuid());
        return change(actor, "policy.create", policy.id(), () -> {
            nameFree("policy", policy.name(), null);
            PolicySet current = read();
            List<Policy> proposed = new ArrayList<>(current.policies());
            proposed.add(policy);
            validWith(proposed, current.locations(), proposed.size() - 1);
            store.insertPolicy(policy, Times.now(clock));
            return new Changed<>(store.policy(policy.id()).orElseThrow(), touchesEmergency(policy), describe(policy));
        });
    }

    @Transactional
    public AccessStore.StoredPolicy replacePolicy(Actor actor, String id, PolicyDocument document) {
        Policy policy = document(document).toPolicy(id);
        return change(actor, "policy.update", id, () -> {
            Policy before = policy(id).policy();
            nameFree("policy", policy.name(), id);
            PolicySet current = read();
            List<Policy> proposed = current.policies().stream().map(p -> p.id().equals(id) ? policy : p).toList();
            validWith(proposed, current.locations(), proposed.indexOf(policy));
            store.updatePolicy(policy, Times.now(clock));
            return new Changed<>(store.policy(id).orElseThrow(), touchesEmergency(before) || touchesEmergency(policy),
                    describe(policy) + " (was " + PolicyDocument.stateName(before.state()) + ")");
        });
    }

    /** On, report-only or off: the usual way to roll a policy out (report-only first) and back. */
    @Transactional
    public AccessStore.StoredPolicy setState(Actor actor, String id, String state) {
        PolicyState newState = PolicyDocument.state(state);
        return change(actor, "policy.state", id, () -> {
            Policy before = policy(id).policy();
            Policy after = before.withState(newState);
            store.updatePolicy(after, Times.now(clock));
            return new Changed<>(store.policy(id).orElseThrow(), touchesEmergency(before), "'" + before.name() + "': "
                    + PolicyDocument.stateName(before.state()) + " -> " + PolicyDocument.stateName(newState));
        });
    }

    @Transactional
    public void deletePolicy(Actor actor, String id) {
        change(actor, "policy.delete", id, () -> {
            Policy before = policy(id).policy();
            store.deletePolicy(id);
            return new Changed<>(null, touchesEmergency(before), "'" + before.name() + "' deleted");
        });
    }

    // --- named locations ---

    @Transactional
    public AccessStore.StoredLocation createLocation(Actor actor, LocationDocument document) {
        NamedLocation location = location(Ids.uuid(), document);
        return change(actor, "policy.location.create", location.id(), () -> {
            nameFree("location", location.name(), null);
            PolicySet current = read();
            List<NamedLocation> proposed = new ArrayList<>(current.locations());
            proposed.add(location);
            validLocations(current.policies(), proposed);
            store.insertLocation(location, Times.now(clock));
            return new Changed<>(store.location(location.id()).orElseThrow(), false, describe(location));
        });
    }

    @Transactional
    public AccessStore.StoredLocation replaceLocation(Actor actor, String id, LocationDocument document) {
        NamedLocation location = location(id, document);
        return change(actor, "policy.location.update", id, () -> {
            location(id);
            nameFree("location", location.name(), id);
            PolicySet current = read();
            validLocations(current.policies(), current.locations().stream().map(l -> l.id().equals(id) ? location : l).toList());
            store.updateLocation(location, Times.now(clock));
            return new Changed<>(store.location(id).orElseThrow(), false, describe(location));
        });
    }

    /** Refused with {@code access.location_unknown} while a policy names the location. */
    @Transactional
    public void deleteLocation(Actor actor, String id) {
        change(actor, "policy.location.delete", id, () -> {
            NamedLocation before = location(id).location();
            PolicySet current = read();
            validLocations(current.policies(), current.locations().stream().filter(l -> !l.id().equals(id)).toList());
            store.deleteLocation(id);
            return new Changed<>(null, false, "'" + before.name() + "' deleted");
        });
    }

    /**
     * Validates the set with one policy written, naming the refused field as that policy's document
     * names it ({@code conditions.network.include}, not {@code policies[3].conditions.network.include}).
     */
    private static void validWith(List<Policy> policies, List<NamedLocation> locations, int index) {
        try {
            PolicySet.of(policies, locations);
        } catch (GlasskeyException e) {
            String prefix = "policies[" + index + "]";
            String field = e.field();
            if (field != null && (field.equals(prefix) || field.startsWith(prefix + "."))) {
                field = field.substring(Math.min(field.length(), prefix.length() + 1)).replaceFirst("^assignments\\.", "");
                throw new GlasskeyException(e.errorCode(), e.getMessage(), field.isEmpty() ? null : field);
            }
            throw e;
        }
    }

    /** Validates the location list against the policies, naming the location by its id rather than its index. */
    private static void validLocations(List<Policy> policies, List<NamedLocation> locations) {
        try {
            PolicySet.of(policies, locations);
        } catch (GlasskeyException e) {
            String field = e.field() != null && e.field().startsWith("locations[") ? e.field().replaceFirst("^locations\\[\\d+\\]\\.?", "") : e.field();
            throw new GlasskeyException(e.errorCode(), e.getMessage(), field == null || field.isEmpty() ? null : field);
        }
    }

    private static NamedLocation location(String id, LocationDocument document) {
        if (document == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A named location needs a name, ranges and whether it is trusted.");
        }
        String name = document.name();
        if (name == null || name.isBlank() || name.length() > PolicyDocument.MAX_NAME || !name.equals(name.strip())
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A named location needs a name of 1-" + PolicyDocument.MAX_NAME
                    + " characters, without control characters or surrounding spaces.", "name");
        }
        List<String> ranges = document.ranges() == null ? List.of() : document.ranges();
        if (ranges.size() > MAX_RANGES) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A named location has at most " + MAX_RANGES + " ranges.", "ranges");
        }
        if (ranges.isEmpty()) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A named location needs at least one CIDR range.", "ranges");
        }
        for (int i = 0; i < ranges.size(); i++) {
            PolicySet.cidr(ranges.get(i), "ranges[" + i + "]"); // named by its place in this request
        }
        return new NamedLocation(id, name, ranges, Boolean.TRUE.equals(document.trusted()));
    }

    // --- device CAs ---

    /**
     * Adds a device CA: one PEM certificate of a CA ({@code basicConstraints} CA=true, RFC 5280
     * §4.2.1.9), valid now. Parsed by the JDK's X.509 factory; nothing here hand-parses ASN.1.
     */
    @Transactional
    public AccessStore.DeviceCa addDeviceCa(Actor actor, String name, String pem) {
        if (name == null || name.isBlank() || name.length() > PolicyDocument.MAX_NAME || !name.equals(name.strip())
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "A device CA needs a name of 1-" + PolicyDocument.MAX_NAME
                    + " characters, without control characters or surrounding spaces.", "name");
        }
        X509Certificate certificate = caCertificate(pem);
        Instant now = Times.now(clock);
        try {
            certificate.checkValidity(java.util.Date.from(now));
        } catch (CertificateException e) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "The certificate is not valid now (valid "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant() + ").", "certificate");
        }
        String sha256 = sha256(certificate);
        String id = Ids.uuid();
        return change(actor, "policy.device_ca.add", id, () -> {
            nameFree("device_ca", name, null);
            if (store.deviceCaExists(sha256)) {
                throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_DUPLICATE, "This certificate (SHA-256 " + sha256
                        + ") is already a device CA.", "certificate");
            }
            String subject = certificate.getSubjectX500Principal().getName();
            AccessStore.DeviceCa ca = new AccessStore.DeviceCa(id, name, pem.strip(), sha256,
                    subject.length() > 1000 ? subject.substring(0, 1000) : subject, certificate.getNotAfter().toInstant(), now);
            store.insertDeviceCa(ca);
            return new Changed<>(ca, false, "'" + name + "' " + Untrusted.shown(subject) + " SHA-256 " + sha256);
        });
    }

    @Transactional
    public void removeDeviceCa(Actor actor, String id) {
        change(actor, "policy.device_ca.remove", id, () -> {
            AccessStore.DeviceCa ca = store.deviceCa(id).orElseThrow(() -> new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_NOT_FOUND));
            store.deleteDeviceCa(id);
            return new Changed<>(null, false, "'" + ca.name() + "' removed (SHA-256 " + ca.sha256() + ")");
        });
    }

    static X509Certificate caCertificate(String pem) {
        if (pem == null || pem.isBlank() || pem.length() > MAX_PEM || !pem.strip().startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "A device CA is one PEM certificate (-----BEGIN CERTIFICATE-----),"
                    + " at most " + MAX_PEM + " characters.", "certificate");
        }
        Collection<? extends java.security.cert.Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "The certificate does not parse as X.509 PEM.", "certificate");
        }
        if (parsed.size() != 1 || !(parsed.iterator().next() instanceof X509Certificate certificate)) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "Give exactly one certificate, not " + parsed.size() + ".",
                    "certificate");
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new GlasskeyException(ErrorCode.ACCESS_DEVICE_CA_INVALID, "The certificate is not a CA (basic constraints CA=false or "
                    + "absent, RFC 5280 §4.2.1.9): a device certificate is not a device CA.", "certificate");
        }
        return certificate;
    }

    private static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- what-if (issue 17 §4) ---

    /**
     * What-if: the one evaluator on a described sign-in, nothing recorded.
     *
     * @param method       {@code security-key}, {@code passkey} or {@code password-code} (docs/API.md, amr and acr)
     * @param authAge      how long ago the person authenticated (sign-in frequency), none: just now
     * @param rolesActive  roles active through PIM (issue 16), none when empty
     */
    public record WhatIf(String account, String resource, String address, Boolean deviceCompliant, String method, String attestedModel,
                         Long authAgeSeconds, List<String> rolesActive) {}

    @Transactional(readOnly = true)
    public Decision whatIf(WhatIf request) {
        if (request == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A what-if needs an account, a resource and a method.");
        }
        if (request.account() == null || request.account().isBlank() || request.account().length() > 200) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Name the account by its id or sign-in name.", "account");
        }
        Account account = accounts.list().stream().filter(a -> a.id().equals(request.account())
                || (a.signInName() != null && a.signInName().equalsIgnoreCase(request.account()))).findFirst()
                .orElseThrow(() -> new GlasskeyException(ErrorCode.ACCOUNT_NOT_FOUND, "No account with the id or sign-in name '"
                        + Untrusted.shown(request.account()) + "'.", "account"));
        Resource resource = resource(request.resource());
        InetAddress address = null;
        if (request.address() != null && !request.address().isEmpty()) {
            address = IpRange.address(request.address()).orElseThrow(() -> new GlasskeyException(ErrorCode.REQUEST_INVALID,
                    "The address must be an IPv4 or IPv6 address literal, not '" + Untrusted.shown(request.address()) + "'.", "address"));
        }
        UUID model = null;
        if (request.attestedModel() != null) {
            try {
                if (request.attestedModel().length() != 36) {
                    throw new IllegalArgumentException();
                }
                model = UUID.fromString(request.attestedModel());
            } catch (IllegalArgumentException e) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "The attested model is an AAGUID (8-4-4-4-12 hex digits).", "attestedModel");
            }
        }
        Set<String> amr;
        String acr;
        String method = request.method() == null ? "" : request.method();
        switch (method) {
            case "security-key" -> { amr = Set.of("hwk", "user", "mfa"); acr = model != null ? "phrh" : "phr"; }
            case "passkey" -> { amr = Set.of("swk", "user", "mfa"); acr = "phr"; }
            case "password-code" -> { amr = Set.of("pwd", "otp", "mfa"); acr = "mfa"; }
            default -> throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "The method must be 'security-key', 'passkey' or "
                    + "'password-code'.", "method");
        }
        if (model != null && !method.equals("security-key")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Only a security key has an attested model.", "attestedModel");
        }
        long age = request.authAgeSeconds() == null ? 0 : request.authAgeSeconds();
        if (age < 0 || age > Duration.ofDays(3650).toSeconds()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "The authentication age is 0 to 315360000 seconds.", "authAgeSeconds");
        }
        List<String> active = request.rolesActive() == null ? List.of() : request.rolesActive();
        if (active.size() > 50 || active.stream().anyMatch(r -> r == null || r.isBlank() || r.length() > 200)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "At most 50 roles of 1-200 characters.", "rolesActive");
        }
        Instant now = Times.now(clock);
        return AccessEvaluator.evaluate(policySet(), new SignInContext(account.id(), account.emergency(), account.roles(),
                Set.copyOf(active), resource, address, Boolean.TRUE.equals(request.deviceCompliant()), amr, acr, model,
                now.minusSeconds(age), now));
    }

    /** {@code console}, or {@code client:<client id>}. */
    static Resource resource(String value) {
        if ("console".equals(value)) {
            return Resource.CONSOLE;
        }
        if (value != null && value.startsWith("client:") && value.length() > 7 && value.length() <= 207) {
            return Resource.client(value.substring(7));
        }
        throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "The resource is 'console' or 'client:<client id>'.", "resource");
    }

    // --- the lockout guard's view (issue 17 §5) ---

    /** The policies in force as this transaction sees them, uncached: the guard judges the state after an uncommitted change. */
    @Override
    @Transactional(readOnly = true)
    public Scenario current() {
        PolicySet set = read();
        if (set.policies().isEmpty()) {
            return Scenario.NONE;
        }
        Map<String, String> names = set.policies().stream().collect(Collectors.toMap(Policy::id, Policy::name));
        return (account, keyModels, now) -> {
            // PIM hook (issue 16 §5): the roles an emergency account may activate on its own belong here,
            // once the pim package offers them; until then only the roles it holds are judged.
            EmergencyAccess emergency = new EmergencyAccess(account.id(), account.displayName(), account.roles(), Set.of(), keyModels);
            PolicyLockoutGuard.Access access = PolicyLockoutGuard.access(set, emergency, now);
            return access.canGetIn() ? List.of() : access.keptOutBy().stream().map(id -> names.getOrDefault(id, id)).toList();
        };
    }

    // --- one way to change ---

    private record Changed<T>(T result, boolean emergency, String detail) {}

    /**
     * Every change: applied between the change guards' before and after (the lockout guard judges the
     * state after, and a refusal rolls everything back), audited, and the version bumped so every
     * node's cached set is replaced.
     */
    private <T> T change(Actor actor, String action, String target, Supplier<Changed<T>> apply) {
        return guards.guard(action, () -> {
            Changed<T> changed = apply.get();
            store.bumpVersion();
            forgetAfterCompletion();
            audit.record(AuditEvent.success(actor, action, target, changed.emergency(), changed.detail()));
            return changed.result();
        });
    }

    /** The set changes with this transaction: drop the cached one once it is over (committed or not). */
    private void forgetAfterCompletion() {
        forgetCached();
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            forgetCached();
                        }
                    });
        }
    }

    private void nameFree(String kind, String name, String exceptId) {
        if (store.nameTaken(kind, name, exceptId)) {
            throw new GlasskeyException(ErrorCode.ACCESS_NAME_TAKEN, "Another " + kind.replace('_', ' ') + " is named '"
                    + Untrusted.shown(name) + "'.", "name");
        }
    }

    private static PolicyDocument document(PolicyDocument document) {
        if (document == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A policy document is needed.");
        }
        return document;
    }

    /** A policy that can reach emergency accounts: its audit entry is marked emergency (and alerts as such). */
    private static boolean touchesEmergency(Policy p) {
        Assignments a = p.assignments();
        return a.allPeople() || a.emergencyAccounts() || a.excludeEmergencyAccounts() || !a.includeRoles().isEmpty()
                || !a.includeAccounts().isEmpty();
    }

    private static String describe(Policy p) {
        return "'" + p.name() + "' " + PolicyDocument.stateName(p.state()) + ": "
                + AccessStore.JSON.writeValueAsString(PolicyDocument.of(p));
    }

    private static String describe(NamedLocation l) {
        return "'" + l.name() + "'" + (l.trusted() ? " trusted" : "") + ": " + String.join(", ", l.cidrs());
    }
}
