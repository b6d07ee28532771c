package dev.glasskey.webauthn;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialRequestOptions;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Metrics;
import dev.glasskey.system.RateLimitedException;
import dev.glasskey.system.RateLimits;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * Usernameless sign-in with a discoverable credential (WebAuthn L3 §7.2), user verification
 * required, strict signature counter. Every attempt is audited with its outcome.
 *
 * <p>One transaction for a successful sign-in: the challenge is consumed by a conditional
 * delete (of two racing replays one finds no row), verified, and the counter and audit entry
 * written, together. A refused attempt rolls all of that back; a second transaction then burns
 * the challenge and records the refusal, so a failing attempt cannot be retried with the same
 * challenge either.
 */
@Service
public class SignInService {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SignInService.class);
    private static final long CEREMONY_TIMEOUT_MS = 120_000;

    private final Ceremonies ceremonies;
    private final AssertionChallenges challenges;
    private final GlasskeyProperties properties;
    private final RelyingParties relyingParties;
    private final CredentialStore credentials;
    private final AccountService accounts;
    private final KeyService keys;
    private final AllowedModelStore allowedModels;
    private final MdsService mds;
    private final Audit audit;
    private final Clock clock;
    private final RateLimits rateLimits;
    private final Metrics metrics;
    private final TransactionTemplate tx;

    SignInService(Ceremonies ceremonies, AssertionChallenges challenges, GlasskeyProperties properties, RelyingParties relyingParties, CredentialStore credentials,
                  AccountService accounts, KeyService keys, AllowedModelStore allowedModels, MdsService mds, Audit audit, Clock clock,
                  RateLimits rateLimits, Metrics metrics, PlatformTransactionManager transactionManager) {
        this.metrics = metrics;
        this.ceremonies = ceremonies;
        this.challenges = challenges;
        this.properties = properties;
        this.relyingParties = relyingParties;
        this.credentials = credentials;
        this.accounts = accounts;
        this.keys = keys;
        this.allowedModels = allowedModels;
        this.mds = mds;
        this.audit = audit;
        this.clock = clock;
        this.rateLimits = rateLimits;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** Request options for a usernameless assertion, bound to the browser session. Returns {"publicKey":{...}}. */
    public String start(String sessionId) {
        try {
            return Yubico.credentialsGetJson(request(challenges.issue(sessionId)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The assertion request for a challenge, rebuilt identically at start and at finish
     * (WebAuthn L3 §5.5): no allowCredentials (discoverable), user verification required.
     */
    private AssertionRequest request(ByteArray challenge) {
        return AssertionRequest.builder()
                .publicKeyCredentialRequestOptions(PublicKeyCredentialRequestOptions.builder()
                        .challenge(challenge)
                        .timeout(CEREMONY_TIMEOUT_MS)
                        .rpId(properties.rpId())
                        .userVerification(UserVerificationRequirement.REQUIRED)
                        .build())
                .build();
    }

    public SignedIn finish(String sessionId, String responseJson) {
        return verifyOnly(sessionId, responseJson, "signin", signedIn -> signedIn);
    }

    /**
     * Verifies an assertion exactly as {@link #finish} does, audited under {@code action}, and
     * runs {@code then} in the same transaction (a drill records the validated pair there; if
     * it throws, the whole attempt is refused and rolled back). Opens no session: that is the
     * caller's business.
     */
    public <T> T verifyOnly(String sessionId, String responseJson, String action, Function<SignedIn, T> then) {
        Attempt attempt = new Attempt(action);
        try {
            var response = Yubico.assertion(responseJson);
            attempt.credentialId = response.getId().getBase64Url();
            // Before the challenge is taken: a refused attempt here costs no database work at all.
            refuseWhileFailuresExhausted(attempt.credentialId);
            ByteArray challenge = response.getResponse().getClientData().getChallenge();
            attempt.challenge = challenge;
            // The response's own shape, before any state is read: refused here, the challenge is still burnt.
            ClientData clientData = ClientData.of(response.getResponse().getClientDataJSON());
            StrictEncoding.assertionAuthenticatorData(response.getResponse().getParsedAuthenticatorData());
            T result = tx.execute(status -> {
                challenges.consume(challenge, sessionId);
                return then.apply(verify(request(challenge), response, clientData, attempt));
            });
            // Counted once committed: a sign-in whose transaction rolled back did not happen.
            metrics.signIn(action, true, null, attempt.account.emergency());
            return result;
        } catch (GlasskeyException e) {
            metrics.signIn(action, false, e.errorCode().code(), attempt.account != null && attempt.account.emergency());
            if (attempt.challenge != null) {
                // The refused attempt rolled back its consumption: burn the challenge on its own,
                // so a failing attempt cannot be retried either (a racing burn is harmless).
                try {
                    tx.executeWithoutResult(status -> challenges.burn(attempt.challenge, sessionId));
                } catch (org.springframework.dao.DataIntegrityViolationException alreadyBurnt) {
                    // another attempt used or burnt it first
                }
            }
            if (attempt.credential != null && e.errorCode() != ErrorCode.REQUEST_RATE_LIMITED) {
                rateLimits.spend(RateLimits.Kind.CREDENTIAL_FAILURES, failureKey(attempt.credentialId));
            }
            tx.executeWithoutResult(status -> recordFailure(attempt, e));
            throw e;
        }
    }

    /**
     * Failed sign-ins with a registered credential are limited per (credential, client address),
     * never per credential alone: failures from one address — a flood, a guessing script — slow
     * that address down and nobody else, so they can never lock an emergency account's holder out.
     * Checked before the challenge is consumed or the signature verified; only failures take from
     * the bucket, a successful sign-in costs nothing.
     */
    private void refuseWhileFailuresExhausted(String credentialId) {
        rateLimits.exhausted(RateLimits.Kind.CREDENTIAL_FAILURES, failureKey(credentialId)).ifPresent(seconds -> {
            throw new RateLimitedException(seconds, "Too many failed sign-ins with this credential from this address; try again in "
                    + seconds + " s.");
        });
    }

    private static String failureKey(String credentialId) {
        String address = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                ? attrs.getRequest().getRemoteAddr() : null;
        // Credential ids are client input of up to 1023 bytes: keyed by their hash.
        return Ids.sha256Hex(credentialId) + '|' + RateLimits.addressKey(address);
    }

    private SignedIn verify(AssertionRequest request,
                            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response,
                            ClientData clientData, Attempt attempt) {
        ceremonies.checkClientData(clientData, "webauthn.get");
        ceremonies.checkAuthenticatorData(response.getResponse().getParsedAuthenticatorData());
        Credential credential = credentials.findByCredentialId(attempt.credentialId)
                .orElseThrow(() -> new GlasskeyException(ErrorCode.CREDENTIAL_UNKNOWN));
        Account account = accounts.get(credential.accountId());
        attempt.credential = credential;
        attempt.account = account;
        // WebAuthn L3 §7.2 step 6: the returned user handle must own the credential.
        String userHandle = response.getResponse().getUserHandle().map(h -> h.getBase64Url()).orElse(null);
        if (userHandle == null || !userHandle.equals(account.userHandle())) {
            throw new GlasskeyException(ErrorCode.USER_HANDLE_MISMATCH);
        }
        switch (credential.status()) {
            case REVOKED -> throw new GlasskeyException(ErrorCode.CREDENTIAL_REVOKED,
                    "This credential was revoked" + (credential.statusReason() == null ? "." : ": " + credential.statusReason() + "."));
            case SUSPECT -> throw new GlasskeyException(ErrorCode.CREDENTIAL_SUSPECT);
            case ACTIVE -> { }
        }
        SecurityKey key = keys.get(credential.keyId());
        if (!key.active()) {
            throw new GlasskeyException(ErrorCode.CREDENTIAL_KEY_LOST, "Key '" + key.label() + "' is " + key.status().value() + ".");
        }
        if (!account.enabled()) {
            throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
        }
        if (AuthenticatorStandard.requiredFor(account)) {
            // Emergency accounts and administrators: an emergency-grade credential only. The allow-list and the
            // metadata's deny set are read for these accounts alone; a person's sign-in reads nothing more.
            boolean backupEligible = credential.backupEligible() || response.getResponse().getParsedAuthenticatorData().getFlags().BE;
            MdsStatus metadata = mds.status();
            AuthenticatorStandard.shortfall(backupEligible, credential.attestationTrusted(), credential.aaguid(), allowedModels.aaguids(),
                            metadata.compromisedAaguids())
                    .ifPresent(shortfall -> {
                        throw switch (shortfall) {
                            case SYNCED_PASSKEY -> new GlasskeyException(ErrorCode.CREDENTIAL_SYNCED);
                            case MODEL_COMPROMISED -> new GlasskeyException(ErrorCode.CREDENTIAL_MODEL_COMPROMISED, "FIDO metadata BLOB no. "
                                    + metadata.snapshot().serial() + " reports this credential's key model " + metadata.compromised()
                                    .get(credential.aaguid()).describe() + ". Sign in with a key of another model.");
                            case MODEL_NOT_ALLOWED -> new GlasskeyException(ErrorCode.MODEL_NOT_ALLOWED, "This credential's key model (" + credential.aaguid()
                                    + ", attestation " + (credential.attestationTrusted() ? "trusted" : "untrusted") + ") is not on the allow-list.");
                        };
                    });
        }
        AssertionResult result;
        try {
            result = relyingParties.forAssertion().finishAssertion(FinishAssertionOptions.builder()
                    .request(request)
                    .response(response)
                    .build());
        } catch (InvalidSignatureCountException e) {
            throw new GlasskeyException(ErrorCode.COUNTER_REGRESSION, "Signature counter " + e.getReceived()
                    + " is not above the stored " + credential.signatureCount() + ": the key may be cloned. The credential is now suspended.");
        } catch (AssertionFailedException e) {
            String reason = Untrusted.reason(e.getCause() == null ? e : e.getCause());
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("signature")) {
                throw new GlasskeyException(ErrorCode.SIGNATURE_INVALID);
            }
            throw new GlasskeyException(ErrorCode.ASSERTION_REJECTED, reason);
        } catch (GlasskeyException e) {
            throw e;
        } catch (RuntimeException e) {
            // Yubico lets a JCA failure through unwrapped: a signature that is not even a DER ECDSA
            // signature (empty, truncated, raw r||s) cannot verify, whatever else is wrong.
            if (causedBy(e, GeneralSecurityException.class)) {
                throw new GlasskeyException(ErrorCode.SIGNATURE_INVALID, "The signature is not a well-formed signature for this credential's algorithm.");
            }
            log.warn("Assertion refused by the library: {} ({})", e.getClass().getName(), Untrusted.reason(e));
            throw new GlasskeyException(ErrorCode.ASSERTION_REJECTED, "The assertion could not be verified.");
        }
        if (!result.isSuccess() || !result.isUserVerified()) {
            throw new GlasskeyException(ErrorCode.ASSERTION_REJECTED);
        }
        Instant now = Times.now(clock);
        long received = result.getSignatureCount();
        // Advance only forward, atomically: of two concurrent assertions with one counter, one loses.
        if (!credentials.recordUse(credential.id(), received, now)) {
            throw new GlasskeyException(ErrorCode.COUNTER_REGRESSION, "Signature counter " + received
                    + " was already used by a concurrent sign-in: the key may be cloned. The credential is now suspended.");
        }
        audit.record(AuditEvent.success(new Actor(account.id(), account.displayName()), attempt.action, account.id(),
                account.emergency(), "credential " + credential.id() + " on key '" + key.label() + "'"));
        return new SignedIn(account.id(), account.displayName(), account.emergency(), account.roles(), credential.id(),
                key.id(), credential.aaguid(), credential.attestationTrusted(), true, now, account.securityVersion(),
                credential.backupEligible() ? SignedIn.PASSKEY : SignedIn.SECURITY_KEY);
    }

    private void recordFailure(Attempt attempt, GlasskeyException e) {
        Instant now = Times.now(clock);
        AuditEvent event;
        if (attempt.account != null) {
            event = AuditEvent.failure(new Actor(attempt.account.id(), attempt.account.displayName()), attempt.action,
                    attempt.account.id(), e.errorCode().code(), attempt.account.emergency(),
                    "credential " + attempt.credential.id() + ": " + e.detail());
        } else {
            event = AuditEvent.failure(Actor.ANONYMOUS, attempt.action, null, e.errorCode().code(), false,
                    (attempt.credentialId == null ? "" : "credential id " + abbreviate(attempt.credentialId) + ": ") + e.detail());
        }
        if (e.errorCode() == ErrorCode.COUNTER_REGRESSION && attempt.credential != null) {
            // The one refusal that changes state, on purpose: a possibly cloned key stops working.
            credentials.setStatus(attempt.credential.id(), Credential.Status.SUSPECT, "signature counter regression", now);
            event = event.flag();
        }
        audit.record(event);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String value) {
        return value.length() <= 24 ? value : value.substring(0, 24) + "…";
    }

    /** What we learned about an attempt before it failed, for its audit entry. */
    private static final class Attempt {
        final String action;
        ByteArray challenge;
        String credentialId;
        Credential credential;
        Account account;

        Attempt(String action) {
            this.action = action;
        }
    }
}
