package dev.glasskey.webauthn;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.AttestationObject;
import com.yubico.webauthn.data.AttestedCredentialData;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorData;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.PublicKeyCredentialHint;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.RegistrationFailedException;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * Enrolment: single-use, expiring links for (account, inventory key), and the registration
 * ceremony they permit (WebAuthn L3 §7.1) — discoverable credential, user verification
 * required, direct attestation; for emergency accounts a device-bound key and, when the
 * allow-list holds models, a verified attestation from an allowed model.
 */
@Service
public class EnrolmentService {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EnrolmentService.class);
    private static final int TOKEN_BYTES = 32;
    private static final long CEREMONY_TIMEOUT_MS = 120_000;

    private final EnrolmentStore enrolments;
    private final CredentialStore credentials;
    private final Ceremonies ceremonies;
    private final RelyingParties relyingParties;
    private final AllowedModelService allowedModels;
    private final MdsService mds;
    private final AccountService accounts;
    private final KeyService keys;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;
    private final GlasskeyProperties properties;
    private final TransactionTemplate tx;

    EnrolmentService(EnrolmentStore enrolments, CredentialStore credentials, Ceremonies ceremonies,
                     RelyingParties relyingParties, AllowedModelService allowedModels, MdsService mds, AccountService accounts,
                     KeyService keys, Audit audit, ChangeGuards guards, Clock clock, GlasskeyProperties properties,
                     PlatformTransactionManager transactionManager) {
        this.enrolments = enrolments;
        this.credentials = credentials;
        this.ceremonies = ceremonies;
        this.relyingParties = relyingParties;
        this.allowedModels = allowedModels;
        this.mds = mds;
        this.accounts = accounts;
        this.keys = keys;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** An administrator issues a link to enrol {@code accountId} on inventory key {@code keyId}. */
    public EnrolmentLink issue(Actor actor, String accountId, String keyId) {
        return tx.execute(status -> {
            Account account = accounts.get(accountId);
            if (!account.enabled()) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED, "Account '" + account.displayName() + "' is disabled.");
            }
            SecurityKey key = keys.get(keyId);
            if (!key.active()) {
                throw new GlasskeyException(ErrorCode.KEY_NOT_ACTIVE, "Key '" + key.label() + "' is " + key.status().value() + ".");
            }
            checkCapacity(key, account.id());
            return createLink(actor, account, key.id(), Enrolment.ADMIN);
        });
    }

    /**
     * First start and local recovery: a link for an administrator whose key is added to the
     * inventory from its attestation. Used by first start and {@code glasskey bootstrap} only.
     */
    public EnrolmentLink issueAdministratorLink(Actor actor, String accountId, String purpose) {
        return tx.execute(status -> createLink(actor, accounts.get(accountId), null, purpose));
    }

    /**
     * A person's setup link (issue 15): the same single-use, expiring link, for setting a password
     * and an authenticator app at {@code /setup/<token>}; it permits no key ceremony. A new one
     * supersedes the account's earlier unused setup link. Joins the caller's transaction.
     */
    public EnrolmentLink issueSetupLink(Actor actor, Account account) {
        return tx.execute(status -> createLink(actor, account, null, Enrolment.SETUP));
    }

    /** The usable setup link of {@code token} (in the caller's transaction, if any): unknown, used, expired or another kind is refused. */
    public Enrolment setupLink(String token) {
        return tx.execute(status -> {
            if (token == null || token.length() > 200) {
                throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
            }
            Enrolment e = usableByHash(Ids.sha256Hex(token));
            if (!Enrolment.SETUP.equals(e.purpose())) {
                throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
            }
            return e;
        });
    }

    /** Spends a setup link, in the caller's transaction: true for the one caller that did. */
    @org.springframework.transaction.annotation.Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void useSetupLink(Enrolment link) {
        if (!enrolments.markUsed(link.tokenHash(), Times.now(clock))) {
            throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
        }
    }

    /** The account a link (known by its token) was issued for, or null: for auditing a refused step. */
    public String accountOfLink(String token) {
        if (token == null || token.length() > 200) {
            return null;
        }
        return tx.execute(status -> enrolments.find(Ids.sha256Hex(token)).map(Enrolment::accountId).orElse(null));
    }

    /** Pending (unused, unexpired) links, for the console. */
    public List<Enrolment> pending() {
        return tx.execute(status -> enrolments.pending(Times.now(clock)));
    }

    /** How many links the console's list shows at most (newest first). */
    public static final int RECENT = 1000;

    /** Links used, expired and revoked as well as pending, newest first, for the console's list. */
    public List<Enrolment> recent() {
        return tx.execute(status -> enrolments.recent(RECENT));
    }

    /** One link by its id, the SHA-256 of its token in hex (the token itself is never stored). */
    public Enrolment get(String id) {
        if (id == null || !ENROLMENT_ID.matcher(id).matches()) {
            // Not an id Glasskey makes: nobody's link, and never looked up.
            throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
        }
        return tx.execute(status -> enrolments.find(id)).orElseThrow(() -> new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN));
    }

    private static final java.util.regex.Pattern ENROLMENT_ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /**
     * Revokes a pending link: it ends now, as if it had expired (so whoever holds it is told to ask
     * for a new one), audited with the note. A link already used or ended is refused with
     * {@code enrolment.not_pending} and nothing changes.
     */
    public Enrolment revoke(Actor actor, String id, String rawNote) {
        String note = dev.glasskey.system.Notes.optional(rawNote);
        Enrolment e = get(id);
        return tx.execute(status -> {
            Instant now = Times.now(clock);
            if (!enrolments.revoke(e.tokenHash(), now, actor.label())) {
                throw new GlasskeyException(ErrorCode.ENROLMENT_NOT_PENDING, "This link was "
                        + enrolments.find(e.tokenHash()).map(current -> current.state(now)).orElse("ended") + " already: there is nothing to revoke.");
            }
            Account account = accounts.get(e.accountId());
            String keyLabel = e.keyId() == null ? null : keys.get(e.keyId()).label();
            audit.record(AuditEvent.success(actor, "enrolment.revoke", account.id(), account.emergency(), e.purpose() + " link for '"
                    + account.displayName() + "'" + (keyLabel == null ? "" : " on key '" + keyLabel + "'") + " revoked"
                    + dev.glasskey.system.Notes.suffix(note)));
            return enrolments.find(e.tokenHash()).orElseThrow();
        });
    }

    /** What the enrolment page shows before the ceremony. */
    public record EnrolmentView(String accountName, boolean emergency, String keyLabel, Instant expiresAt) {}

    public EnrolmentView view(String token) {
        return auditingRefusal("enrolment.view", token, () -> tx.execute(status -> {
            Enrolment e = usable(token);
            Account account = accounts.get(e.accountId());
            String keyLabel = e.keyId() == null ? null : keys.get(e.keyId()).label();
            return new EnrolmentView(account.displayName(), account.emergency(), keyLabel, e.expiresAt());
        }));
    }

    /** Registration options for the holder of the link (WebAuthn L3 §5.4). Returns {"publicKey":{...}}. */
    public String start(String token, String sessionId) {
        return auditingRefusal("enrolment.options", token, () -> tx.execute(status -> {
            Enrolment e = usable(token);
            Account account = accounts.get(e.accountId());
            if (!account.enabled()) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
            }
            // Exclude this account's credentials on *other* keys, so one physical key cannot be
            // enrolled twice for the account under two inventory labels (L3 §5.4 excludeCredentials).
            return creationOptions(account, Ceremonies.REGISTRATION, sessionId, e.tokenHash(),
                    c -> c.status() != Credential.Status.REVOKED && !c.keyId().equals(e.keyId()));
        }));
    }

    /**
     * Registration options for a signed-in person adding a passkey of their own (issue 15), from their
     * Security info page: no link, the session is the permission. Discoverable, user verification
     * required, platform or roaming — except for an account {@link AuthenticatorStandard#requiredFor}
     * names, which gets a security key's options and, at the finish, the emergency standard. The
     * challenge is bound to the ceremony cookie and to the account (at most
     * {@link Ceremonies#OUTSTANDING_PER_LINK} outstanding per account).
     */
    public String startPasskey(String accountId, String sessionId) {
        return tx.execute(status -> {
            Account account = accounts.get(accountId);
            if (!account.enabled()) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
            }
            // Every credential the account still holds: the same authenticator is not registered twice (L3 §5.4).
            return creationOptions(account, Ceremonies.PASSKEY, sessionId, passkeyBinding(account.id()),
                    c -> c.status() != Credential.Status.REVOKED);
        });
    }

    /**
     * What a self-service ceremony is bound to in the {@code ceremony} row's {@code enrolment_token_hash}
     * (no link exists): a digest of the account id that no link's token hash can equal, since those are
     * digests of random tokens.
     */
    private static String passkeyBinding(String accountId) {
        return Ids.sha256Hex("glasskey-passkey:" + accountId);
    }

    private String creationOptions(Account account, String kind, String sessionId, String binding,
                                   java.util.function.Predicate<Credential> excluded) {
        AttestationPolicy policy = allowedModels.policy();
        PublicKeyCredentialCreationOptions options = relyingParties.forRegistration(policy, false)
                .startRegistration(StartRegistrationOptions.builder()
                        .user(UserIdentity.builder()
                                .name(account.signInName() == null ? account.displayName() : account.signInName())
                                .displayName(account.displayName())
                                .id(YubicoCredentials.bytes(account.userHandle()))
                                .build())
                        .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                                .residentKey(ResidentKeyRequirement.REQUIRED)
                                .userVerification(UserVerificationRequirement.REQUIRED)
                                .authenticatorAttachment(AuthenticatorStandard.requiredFor(account) ? AuthenticatorAttachment.CROSS_PLATFORM : null)
                                .build())
                        .hints(AuthenticatorStandard.requiredFor(account) ? List.of(PublicKeyCredentialHint.SECURITY_KEY.getValue()) : List.of())
                        .timeout(CEREMONY_TIMEOUT_MS)
                        .build());
        Set<PublicKeyCredentialDescriptor> exclude = credentials.forAccount(account.id()).stream()
                .filter(excluded)
                .map(c -> PublicKeyCredentialDescriptor.builder().id(YubicoCredentials.bytes(c.credentialId())).build())
                .collect(Collectors.toCollection(HashSet::new));
        options = options.toBuilder().excludeCredentials(exclude).build();
        try {
            ceremonies.issue(kind, sessionId, options.getChallenge(), Yubico.toJson(options), binding);
            return Yubico.credentialsCreateJson(options);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Runs a step before the ceremony proper; a refusal (unknown, used or expired link, disabled
     * account) is audited, so probing for links leaves a trace.
     */
    private <T> T auditingRefusal(String action, String token, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (GlasskeyException e) {
            String tokenHash = token == null ? null : Ids.sha256Hex(token);
            Enrolment known = tokenHash == null ? null : tx.execute(status -> enrolments.find(tokenHash).orElse(null));
            tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(Actor.ANONYMOUS, action,
                    known == null ? null : known.accountId(), e.errorCode().code(),
                    known != null && accountIsEmergency(known.accountId()), e.detail())));
            throw e;
        }
    }

    /**
     * Verifies the registration response and stores the credential. The link is judged first: a
     * response posted to an unknown, used or expired link is refused as such, whatever it carries,
     * and spends no challenge.
     */
    public Credential finish(String token, String sessionId, String responseJson) {
        String tokenHash = Ids.sha256Hex(token);
        Enrolment enrolment = tx.execute(status -> enrolments.find(tokenHash).orElse(null));
        try {
            tx.execute(status -> usable(token));
            var response = Yubico.registration(responseJson);
            CeremonyStore.Pending pending = tx.execute(status ->
                    ceremonies.consume(Ceremonies.REGISTRATION, sessionId, response.getResponse().getClientData()));
            if (!tokenHash.equals(pending.enrolmentTokenHash())) {
                throw new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN, "The challenge was issued for another enrolment link.");
            }
            return tx.execute(status -> {
                Enrolment e = usableByHash(tokenHash);
                return register(accounts.get(e.accountId()), e.keyId(), e.purpose() + " link", Enrolment.BOOTSTRAP.equals(e.purpose()),
                        () -> {
                            if (!enrolments.markUsed(tokenHash, Times.now(clock))) {
                                throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
                            }
                        }, pending, response, responseJson);
            });
        } catch (GlasskeyException e) {
            tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(Actor.ANONYMOUS, "credential.register",
                    enrolment == null ? null : enrolment.accountId(), e.errorCode().code(),
                    enrolment != null && accountIsEmergency(enrolment.accountId()), e.detail())));
            throw e;
        }
    }

    /**
     * A signed-in person's own passkey: verified and stored as a link's credential is (the same checks,
     * and for an account that needs one the emergency standard), on a new inventory key named after the
     * person, audited as {@code credential.register} "via self-service". The challenge must be one
     * {@link #startPasskey} issued to this account in this browser; a refusal is audited.
     */
    public Credential finishPasskey(Actor actor, String accountId, String sessionId, String responseJson) {
        try {
            var response = Yubico.registration(responseJson);
            CeremonyStore.Pending pending = tx.execute(status ->
                    ceremonies.consume(Ceremonies.PASSKEY, sessionId, response.getResponse().getClientData()));
            if (!passkeyBinding(accountId).equals(pending.enrolmentTokenHash())) {
                throw new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN, "The challenge was issued for another account.");
            }
            return tx.execute(status -> register(accounts.get(accountId), null, "self-service", false, () -> {}, pending, response,
                    responseJson));
        } catch (GlasskeyException e) {
            tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(actor, "credential.register", accountId,
                    e.errorCode().code(), accountIsEmergency(accountId), e.detail() == null ? "self-service" : e.detail())));
            throw e;
        }
    }

    /**
     * @param linkKeyId the inventory key the link names, or null: a new key is added from the attestation
     * @param via       how the credential came, for the audit entry
     * @param spend     spends the link (in this transaction), if there is one
     */
    private Credential register(Account account, String linkKeyId, String via, boolean flagged, Runnable spend, CeremonyStore.Pending pending,
                                PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
                                String responseJson) {
        if (!account.enabled()) {
            throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
        }
        AttestationObject attestation = response.getResponse().getAttestation();
        ClientData clientData = ClientData.of(response.getResponse().getClientDataJSON());
        StrictEncoding.attestationObject(attestation);
        ceremonies.checkClientData(clientData, "webauthn.create");
        AuthenticatorData authData = attestation.getAuthenticatorData();
        ceremonies.checkAuthenticatorData(authData);
        AttestedCredentialData attested = authData.getAttestedCredentialData().orElseThrow();
        checkCredentialId(response.getId(), attested.getCredentialId());
        long algorithm = CoseKeys.validate(attested.getCredentialPublicKey());
        AttestationStatements.check(attestation, algorithm, attested.getAaguid());

        String aaguid = AttestationPolicy.aaguidString(attested.getAaguid());
        String format = attestation.getFormat();
        AttestationPolicy policy = allowedModels.policy();
        boolean emergencyGrade = AuthenticatorStandard.requiredFor(account);
        if (emergencyGrade && authData.getFlags().BE) {
            throw new GlasskeyException(ErrorCode.SYNCED_PASSKEY_REFUSED);
        }
        MdsStatus metadata = mds.status();
        if (emergencyGrade && AuthenticatorStandard.compromised(aaguid, metadata.compromisedAaguids())) {
            throw modelCompromised(metadata, aaguid);
        }
        boolean enforce = emergencyGrade && policy.active();
        if (enforce) {
            if ("none".equals(format)) {
                throw new GlasskeyException(ErrorCode.ATTESTATION_UNTRUSTED, "'none' attestation proves no model; the allow-list requires a verified attestation.");
            }
            if (!policy.allows(aaguid)) {
                throw new GlasskeyException(ErrorCode.MODEL_NOT_ALLOWED, "Key model " + aaguid + " is not on the allow-list.");
            }
            if (!attestation.getAttestationStatement().has("x5c")) {
                throw new GlasskeyException(ErrorCode.ATTESTATION_UNTRUSTED, "Self attestation proves no model; the allow-list requires a vendor-signed attestation.");
            }
        }
        RegistrationResult result = verify(policy, enforce, pending, response, aaguid);
        // What is stored is what sign-in will import: validate those bytes too (Yubico re-encodes the key).
        CoseKeys.validate(result.getPublicKeyCose());
        if (emergencyGrade) {
            // The one definition sign-in, readiness and the lockout guard judge this credential by.
            AuthenticatorStandard.shortfall(result.isBackupEligible(), result.isAttestationTrusted(), aaguid, policy.allowedAaguids(),
                            metadata.compromisedAaguids())
                    .ifPresent(shortfall -> {
                        throw switch (shortfall) {
                            case SYNCED_PASSKEY -> new GlasskeyException(ErrorCode.SYNCED_PASSKEY_REFUSED);
                            case MODEL_COMPROMISED -> modelCompromised(metadata, aaguid);
                            case MODEL_NOT_ALLOWED -> new GlasskeyException(ErrorCode.ATTESTATION_UNTRUSTED);
                        };
                    });
        }
        return guards.guard("credential.register", () -> {
            Instant now = Times.now(clock);
            String keyId = linkKeyId;
            if (keyId == null) {
                keyId = keys.register(Actor.SYSTEM, new KeyService.KeyDetails(firstKeyLabel(account, now, keyLabelWord(via, authData)), aaguid, null, null,
                        account.displayName(), null, null)).id();
            } else if (!isZero(aaguid)) {
                keys.confirmModel(keyId, aaguid);
            }
            SecurityKey key = keys.get(keyId);
            if (!key.active()) {
                throw new GlasskeyException(ErrorCode.KEY_NOT_ACTIVE, "Key '" + key.label() + "' is " + key.status().value() + ".");
            }
            checkCapacity(key, account.id());
            // The key overwrites any credential it held for this RP and user handle, so the old one is dead.
            for (Credential old : credentials.activeFor(account.id(), keyId)) {
                credentials.setStatus(old.id(), Credential.Status.REVOKED, "replaced by re-enrolment", now);
            }
            String transports = result.getKeyId().getTransports().map(set -> set.stream()
                    .map(AuthenticatorTransport::getId).collect(Collectors.joining(","))).orElse(null);
            Credential credential = new Credential(Ids.uuid(), attested.getCredentialId().getBase64Url(), account.id(), keyId,
                    result.getPublicKeyCose().getBase64Url(), result.getSignatureCount(), aaguid, format,
                    result.isAttestationTrusted(), result.isBackupEligible(), transports, Credential.Status.ACTIVE, null,
                    now, null, now);
            credentials.insert(credential);
            credentials.insertRegistration(credential.id(), pending.requestJson(), responseJson);
            spend.run();
            AuditEvent event = AuditEvent.success(new Actor(account.id(), account.displayName()), "credential.register",
                    account.id(), account.emergency(), "credential " + credential.id() + " on key '" + key.label() + "' model "
                            + aaguid + " attestation " + format + (result.isAttestationTrusted() ? " (trusted)" : " (untrusted)")
                            + " via " + via);
            audit.record(flagged ? event.flag() : event);
            return credential;
        });
    }

    private static GlasskeyException modelCompromised(MdsStatus metadata, String aaguid) {
        return new GlasskeyException(ErrorCode.ATTESTATION_MODEL_COMPROMISED, "FIDO metadata BLOB no. " + metadata.snapshot().serial()
                + " reports key model " + metadata.compromised().get(aaguid).describe() + ". Enrol a key of another model.");
    }

    /**
     * WebAuthn L3 §7.1 step 26 and §5.1: the credential id the client reports is the one the
     * authenticator attested (Yubico stores the client's), and at most 1023 bytes; at least 16
     * (L3 §4, "Credential ID": at least 16 bytes of entropy).
     */
    private static void checkCredentialId(ByteArray reported, ByteArray attested) {
        if (!reported.equals(attested)) {
            throw new GlasskeyException(ErrorCode.CREDENTIAL_ID_MISMATCH,
                    "The credential id is not the one in the attested credential data.");
        }
        if (attested.size() < 16 || attested.size() > 1023) {
            throw new GlasskeyException(ErrorCode.CREDENTIAL_ID_LENGTH, "The attested credential id has " + attested.size() + " bytes.");
        }
    }

    /**
     * Yubico's verification (WebAuthn L3 §7.1) on a response our checks above have passed: the
     * client data, authenticator data, credential id and key, and the statement's shape are known
     * good, so what it can still refuse is the attestation statement itself, its trust path, a
     * credential id already registered, or token binding — each answered with its own code. A
     * library exception that escapes it unwrapped (a JCA failure inside a statement verifier) is
     * still the attestation statement not verifying.
     */
    private RegistrationResult verify(AttestationPolicy policy, boolean enforce, CeremonyStore.Pending pending,
                                      PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response,
                                      String aaguid) {
        PublicKeyCredentialCreationOptions request;
        try {
            request = Yubico.creationOptions(pending.requestJson());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored creation options do not parse", ex);
        }
        try {
            return relyingParties.forRegistration(policy, enforce).finishRegistration(FinishRegistrationOptions.builder()
                    .request(request)
                    .response(response)
                    .build());
        } catch (RegistrationFailedException ex) {
            String reason = Untrusted.reason(ex.getCause() == null ? ex : ex.getCause());
            String lower = reason.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("already registered")) {
                throw new GlasskeyException(ErrorCode.REGISTRATION_REJECTED, "This credential id is already registered.");
            }
            if (lower.contains("token binding")) {
                throw new GlasskeyException(ErrorCode.REGISTRATION_REJECTED, reason);
            }
            if (enforce && lower.contains("trust")) {
                throw new GlasskeyException(ErrorCode.ATTESTATION_UNTRUSTED, "The attestation does not chain to a root pinned for model " + aaguid + ".");
            }
            throw new GlasskeyException(ErrorCode.ATTESTATION_INVALID, reason);
        } catch (GlasskeyException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            log.info("Attestation statement refused by the library: {} ({})", ex.getClass().getName(), Untrusted.reason(ex));
            throw new GlasskeyException(ErrorCode.ATTESTATION_INVALID, "The attestation statement could not be verified.");
        }
    }

    private EnrolmentLink createLink(Actor actor, Account account, String keyId, String purpose) {
        String token = Ids.randomToken(TOKEN_BYTES);
        Instant now = Times.now(clock);
        Instant expires = now.plus(properties.enrolmentTtl());
        if (!Enrolment.ADMIN.equals(purpose)) {
            // A fresh administrator link supersedes any earlier one that was never used.
            for (Enrolment old : enrolments.pending(now)) {
                if (old.purpose().equals(purpose) && old.accountId().equals(account.id())) {
                    enrolments.markUsed(old.tokenHash(), now);
                }
            }
        }
        enrolments.insert(new Enrolment(Ids.sha256Hex(token), account.id(), keyId, purpose, actor.label(), now, expires, null, null, null));
        AuditEvent event = AuditEvent.success(actor, "enrolment.issue", account.id(), account.emergency(),
                purpose + " link for '" + account.displayName() + "'" + (keyId == null ? "" : " on key " + keyId)
                        + ", expires " + expires);
        audit.record(Enrolment.BOOTSTRAP.equals(purpose) ? event.flag() : event);
        String page = Enrolment.SETUP.equals(purpose) ? "/setup/" : "/enrol/";
        return new EnrolmentLink(properties.baseUrl() + page + token, token, account.id(), keyId, purpose, expires);
    }

    private void checkCapacity(SecurityKey key, String accountId) {
        long used = credentials.countActiveOnKey(key.id()) - credentials.activeFor(accountId, key.id()).size();
        if (used >= key.capacity()) {
            throw new GlasskeyException(ErrorCode.KEY_CAPACITY_EXCEEDED, "Key '" + key.label() + "' already holds "
                    + used + " of " + key.capacity() + " discoverable credentials.");
        }
    }

    /** A link usable for a key ceremony: a person's setup link is not one. */
    private Enrolment usable(String token) {
        if (token == null || token.length() > 200) {
            throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
        }
        Enrolment e = usableByHash(Ids.sha256Hex(token));
        if (Enrolment.SETUP.equals(e.purpose())) {
            throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN, "This is a setup link for a password and an authenticator app: open it at /setup/.");
        }
        return e;
    }

    private Enrolment usableByHash(String tokenHash) {
        Enrolment e = enrolments.find(tokenHash).orElseThrow(() -> new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN));
        if (e.usedAt() != null) {
            throw new GlasskeyException(ErrorCode.ENROLMENT_UNKNOWN);
        }
        if (!Times.now(clock).isBefore(e.expiresAt())) {
            throw new GlasskeyException(ErrorCode.ENROLMENT_EXPIRED);
        }
        return e;
    }

    private boolean accountIsEmergency(String accountId) {
        return accounts.get(accountId).emergency();
    }

    /** A self-service credential that may sync (BE) is a passkey; a device-bound one too; a link's is a key. */
    private static String keyLabelWord(String via, AuthenticatorData authData) {
        return "self-service".equals(via) ? (authData.getFlags().BE ? "Synced passkey" : "Passkey") : "Key";
    }

    private static String firstKeyLabel(Account account, Instant now, String word) {
        // Display names take up to 200 characters, as labels do: the name is shortened so the label fits.
        String name = account.displayName();
        if (name.length() > 120) {
            int cut = Character.isHighSurrogate(name.charAt(118)) ? 118 : 119;
            name = name.substring(0, cut) + "…";
        }
        return word + " of " + name + ", enrolled "
                + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC).format(now)
                + " #" + Ids.randomToken(3);
    }

    private static boolean isZero(String aaguid) {
        return aaguid == null || aaguid.equals("00000000-0000-0000-0000-000000000000");
    }


}
