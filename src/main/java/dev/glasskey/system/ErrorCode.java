package dev.glasskey.system;

import org.springframework.http.HttpStatus;

/**
 * Every error Glasskey reports, with its stable machine-readable code and HTTP status.
 * The codes are part of the public API (see docs/ERRORS.md): never rename one, only add.
 */
public enum ErrorCode {
    // request shape
    REQUEST_MALFORMED("request.malformed", HttpStatus.BAD_REQUEST, "The request body is not well-formed."),
    REQUEST_INVALID("request.invalid", HttpStatus.BAD_REQUEST, "A field of the request is missing or invalid."),
    REQUEST_TOO_LARGE("request.too_large", HttpStatus.CONTENT_TOO_LARGE, "The request body exceeds the size limit."),
    UNSUPPORTED_MEDIA_TYPE("request.unsupported_media_type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The request content type is not supported."),
    METHOD_NOT_ALLOWED("request.method_not_allowed", HttpStatus.METHOD_NOT_ALLOWED, "The HTTP method is not allowed here."),
    NOT_FOUND("not_found", HttpStatus.NOT_FOUND, "No such resource."),
    UNAUTHENTICATED("auth.required", HttpStatus.UNAUTHORIZED, "Sign in first."),
    FORBIDDEN("auth.forbidden", HttpStatus.FORBIDDEN, "Your account lacks the role needed for this action."),
    CSRF("auth.csrf", HttpStatus.FORBIDDEN, "Missing or invalid CSRF token."),
    SESSION_ENDED("session.ended", HttpStatus.UNAUTHORIZED, "Your session has ended (access was taken away, or it expired): sign in again."),
    SESSION_NOT_FOUND("session.not_found", HttpStatus.NOT_FOUND, "No such session of this account."),
    REQUEST_RATE_LIMITED("request.rate_limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests from this address (or for this credential, link or drill); try again after the time in Retry-After."),
    SYSTEM_UNAVAILABLE("system.unavailable", HttpStatus.SERVICE_UNAVAILABLE, "The database cannot be reached right now; try again shortly."),

    // ceremony state (WebAuthn L3 §13.4.3: challenges are single-use and bound to the session)
    CHALLENGE_UNKNOWN("ceremony.challenge_unknown", HttpStatus.BAD_REQUEST, "The challenge was never issued or has already been used."),
    CHALLENGE_EXPIRED("ceremony.challenge_expired", HttpStatus.BAD_REQUEST, "The challenge has expired; start again."),
    CHALLENGE_SESSION_MISMATCH("ceremony.session_mismatch", HttpStatus.BAD_REQUEST, "The challenge was issued to another browser session."),
    CEREMONY_TYPE("ceremony.wrong_type", HttpStatus.BAD_REQUEST, "The client data type does not match the ceremony."),
    ORIGIN_MISMATCH("ceremony.origin_mismatch", HttpStatus.BAD_REQUEST, "The origin in the client data is not an allowed origin."),
    RP_ID_MISMATCH("ceremony.rp_id_mismatch", HttpStatus.BAD_REQUEST, "The authenticator data was not produced for this relying party ID."),
    USER_PRESENCE_MISSING("ceremony.user_presence_missing", HttpStatus.BAD_REQUEST, "The authenticator did not confirm user presence."),
    USER_VERIFICATION_MISSING("ceremony.user_verification_missing", HttpStatus.BAD_REQUEST, "The authenticator did not verify the user (fingerprint or PIN)."),
    CREDENTIAL_MALFORMED("ceremony.credential_malformed", HttpStatus.BAD_REQUEST, "The credential response could not be parsed."),
    CROSS_ORIGIN("ceremony.cross_origin", HttpStatus.BAD_REQUEST, "The client data says the ceremony ran in a cross-origin frame; Glasskey cannot be framed."),
    CREDENTIAL_ID_MISMATCH("ceremony.credential_id_mismatch", HttpStatus.BAD_REQUEST, "The credential id and raw id differ, or are not the credential id the authenticator attested."),
    CREDENTIAL_ID_LENGTH("ceremony.credential_id_length", HttpStatus.BAD_REQUEST, "The credential id must be 16 to 1023 bytes long."),

    // registration
    ENROLMENT_UNKNOWN("enrolment.unknown", HttpStatus.NOT_FOUND, "The enrolment link is unknown or has already been used."),
    ENROLMENT_EXPIRED("enrolment.expired", HttpStatus.GONE, "The enrolment link has expired; ask for a new one."),
    ENROLMENT_NOT_PENDING("enrolment.not_pending", HttpStatus.CONFLICT, "The enrolment link was already used, revoked or has expired: there is nothing to revoke."),
    ATTESTATION_INVALID("attestation.invalid", HttpStatus.BAD_REQUEST, "The attestation statement does not verify."),
    ATTESTATION_UNTRUSTED("attestation.untrusted", HttpStatus.FORBIDDEN, "The attestation does not chain to a pinned root of an allowed key model."),
    MODEL_NOT_ALLOWED("attestation.model_not_allowed", HttpStatus.FORBIDDEN, "This key model (AAGUID) is not on the allow-list."),
    SYNCED_PASSKEY_REFUSED("enrolment.synced_passkey_refused", HttpStatus.FORBIDDEN, "Emergency and administrator accounts accept only device-bound security keys, not synced passkeys."),
    KEY_MODEL_MISMATCH("enrolment.key_model_mismatch", HttpStatus.CONFLICT, "The key presented is not the model recorded for this inventory key."),
    REGISTRATION_REJECTED("registration.rejected", HttpStatus.BAD_REQUEST, "The registration response was rejected."),
    PUBLIC_KEY_INVALID("registration.public_key_invalid", HttpStatus.BAD_REQUEST, "The credential public key is not a valid key of its type, curve and algorithm."),
    ALGORITHM_UNSUPPORTED("registration.algorithm_unsupported", HttpStatus.BAD_REQUEST, "The credential public key uses an algorithm Glasskey does not accept."),
    ATTESTATION_FORMAT_UNSUPPORTED("attestation.format_unsupported", HttpStatus.BAD_REQUEST, "The attestation statement format is not one Glasskey can verify."),

    // assertion
    CREDENTIAL_UNKNOWN("credential.unknown", HttpStatus.UNAUTHORIZED, "This credential is not registered."),
    CREDENTIAL_REVOKED("credential.revoked", HttpStatus.UNAUTHORIZED, "This credential has been revoked."),
    CREDENTIAL_KEY_LOST("credential.key_lost", HttpStatus.UNAUTHORIZED, "The key holding this credential is marked lost or retired."),
    CREDENTIAL_SUSPECT("credential.suspect", HttpStatus.UNAUTHORIZED, "This credential is suspended after a signature counter regression."),
    CREDENTIAL_SYNCED("credential.synced_passkey_refused", HttpStatus.FORBIDDEN, "Emergency and administrator accounts sign in only with device-bound security keys, not synced passkeys."),
    COUNTER_REGRESSION("credential.counter_regression", HttpStatus.UNAUTHORIZED, "The signature counter went backwards: the key may be cloned. The credential is now suspended."),
    SIGNATURE_INVALID("assertion.signature_invalid", HttpStatus.UNAUTHORIZED, "The assertion signature does not verify."),
    USER_HANDLE_MISMATCH("assertion.user_handle_mismatch", HttpStatus.UNAUTHORIZED, "The user handle does not belong to this credential."),
    ASSERTION_REJECTED("assertion.rejected", HttpStatus.UNAUTHORIZED, "The assertion was rejected."),
    ACCOUNT_DISABLED("account.disabled", HttpStatus.FORBIDDEN, "This account is disabled."),

    // administration
    ACCOUNT_NOT_FOUND("account.not_found", HttpStatus.NOT_FOUND, "No such account."),
    KEY_NOT_FOUND("key.not_found", HttpStatus.NOT_FOUND, "No such key in the inventory."),
    KEY_NOT_ACTIVE("key.not_active", HttpStatus.CONFLICT, "The key is not active (lost or retired)."),
    KEY_LABEL_TAKEN("key.label_taken", HttpStatus.CONFLICT, "Another key already has this label."),
    KEY_CAPACITY_EXCEEDED("key.capacity_exceeded", HttpStatus.CONFLICT, "The key has no room for another discoverable credential."),
    CREDENTIAL_NOT_FOUND("credential.not_found", HttpStatus.NOT_FOUND, "No such credential."),
    ROLE_UNKNOWN("role.unknown", HttpStatus.BAD_REQUEST, "Unknown role."),
    MODEL_NOT_FOUND("attestation.model_not_found", HttpStatus.NOT_FOUND, "No such key model on the allow-list."),
    CERTIFICATE_INVALID("attestation.certificate_invalid", HttpStatus.BAD_REQUEST, "The root certificate could not be parsed."),
    CONFLICT("conflict", HttpStatus.CONFLICT, "The change conflicts with the current state."),

    // emergency readiness (DOMAIN rule 3: the lockout guard; drills)
    LOCKOUT_GUARD("emergency.lockout_guard", HttpStatus.CONFLICT, "The change would leave fewer usable emergency accounts than the configured minimum."),
    LAST_ADMINISTRATOR("emergency.last_administrator", HttpStatus.CONFLICT, "The change would leave no enabled administrator who can sign in."),
    DRILL_NOT_FOUND("drill.not_found", HttpStatus.NOT_FOUND, "No such drill."),
    DRILL_CLOSED("drill.closed", HttpStatus.GONE, "The drill has expired or was closed; start a new one."),
    DRILL_OUT_OF_SCOPE("drill.out_of_scope", HttpStatus.BAD_REQUEST, "The key or account used is not part of this drill."),

    // audit and alerts (issue 5)
    AUDIT_WRITE_FAILED("audit.write_failed", HttpStatus.SERVICE_UNAVAILABLE, "The audit entry could not be written, so the action was not carried out."),
    ALERT_CHANNEL_NOT_FOUND("alert.channel_not_found", HttpStatus.NOT_FOUND, "No such alert channel."),
    ALERT_CHANNEL_NAME_TAKEN("alert.channel_name_taken", HttpStatus.CONFLICT, "Another alert channel already has this name."),
    ALERT_RULE_NOT_FOUND("alert.rule_not_found", HttpStatus.NOT_FOUND, "No such alert rule."),

    // OpenID Connect provider administration (oidc/); the protocol endpoints answer with OAuth error codes
    CLIENT_NOT_FOUND("client.not_found", HttpStatus.NOT_FOUND, "No such OpenID Connect client."),
    CLIENT_ROLE_EXISTS("client.role_exists", HttpStatus.CONFLICT, "The client already has an application role of this name."),
    CLIENT_ROLE_NOT_FOUND("client.role_not_found", HttpStatus.NOT_FOUND, "The client has no application role of this name."),
    CLIENT_ID_TAKEN("client.id_taken", HttpStatus.CONFLICT, "Another client already has this client id."),
    CLIENT_REDIRECT_URI_INVALID("client.redirect_uri_invalid", HttpStatus.BAD_REQUEST, "A redirect URI is not an absolute https URI (or http on a loopback address) without a fragment."),
    CLIENT_BACKCHANNEL_LOGOUT_URI_INVALID("client.backchannel_logout_uri_invalid", HttpStatus.BAD_REQUEST, "The back-channel logout URI is not an absolute https URI (or http on a loopback address) without a fragment."),

    // secrets at rest (secret/, system/Sealing)
    SECRET_UNREADABLE("secret.unreadable", HttpStatus.INTERNAL_SERVER_ERROR, "A stored secret does not open under this server's key-encryption keys (altered, moved from another row, or sealed under a key not configured here)."),

    // FIDO Metadata Service (issue 19): loading an MDS3 BLOB, and what its status reports refuse
    MDS_BLOB_TOO_LARGE("mds.blob_too_large", HttpStatus.CONTENT_TOO_LARGE, "The metadata BLOB exceeds glasskey.mds.max-blob-bytes."),
    MDS_BLOB_MALFORMED("mds.blob_malformed", HttpStatus.BAD_REQUEST, "The metadata BLOB is not a well-formed MDS3 BLOB (a JWS in compact serialisation with an x5c chain and a payload Glasskey can read)."),
    MDS_BLOB_UNSIGNED("mds.blob_unsigned", HttpStatus.BAD_REQUEST, "The metadata BLOB is not signed."),
    MDS_SIGNATURE_INVALID("mds.signature_invalid", HttpStatus.BAD_REQUEST, "The metadata BLOB's signature does not verify with its signing certificate."),
    MDS_UNTRUSTED("mds.untrusted", HttpStatus.FORBIDDEN, "The metadata BLOB's certificate chain does not verify to a pinned FIDO MDS root."),
    MDS_SIGNER_UNEXPECTED("mds.signer_unexpected", HttpStatus.FORBIDDEN, "The metadata BLOB's signing certificate is not issued to the FIDO Metadata Service (glasskey.mds.signer-names)."),
    MDS_CERTIFICATE_REVOKED("mds.certificate_revoked", HttpStatus.FORBIDDEN, "A certificate of the metadata BLOB's chain is revoked."),
    MDS_REVOCATION_UNKNOWN("mds.revocation_unknown", HttpStatus.UNPROCESSABLE_CONTENT, "The revocation status of the metadata BLOB's certificates could not be determined: give the current CRLs of its chain."),
    MDS_CRL_INVALID("mds.crl_invalid", HttpStatus.BAD_REQUEST, "A CRL could not be parsed (PEM or DER X.509 CRL expected)."),
    MDS_SERIAL_NOT_NEWER("mds.serial_not_newer", HttpStatus.CONFLICT, "The metadata BLOB is not newer than the one loaded (its serial number is not higher)."),
    MDS_MODEL_UNKNOWN("mds.model_unknown", HttpStatus.NOT_FOUND, "The loaded metadata has no entry with attestation roots for this AAGUID."),
    MDS_FETCH_NOT_CONFIGURED("mds.fetch_not_configured", HttpStatus.CONFLICT, "No metadata URL is configured (glasskey.mds.url)."),
    MDS_FETCH_FAILED("mds.fetch_failed", HttpStatus.BAD_GATEWAY, "The metadata BLOB could not be downloaded from the configured URL."),
    ATTESTATION_MODEL_COMPROMISED("attestation.model_compromised", HttpStatus.FORBIDDEN, "The FIDO metadata reports this key model as compromised or revoked; emergency and administrator accounts cannot enrol it."),
    CREDENTIAL_MODEL_COMPROMISED("credential.model_compromised", HttpStatus.FORBIDDEN, "The FIDO metadata reports this credential's key model as compromised or revoked; emergency and administrator accounts cannot sign in with it."),

    // Conditional Access (issue 17), the pure core in access/: a policy set that cannot be evaluated is refused
    ACCESS_LOCATION_INVALID("access.location_invalid", HttpStatus.BAD_REQUEST, "A named location is invalid: it needs an id, a name and CIDR ranges that are IPv4 or IPv6 address literals with an optional prefix (no host names)."),
    ACCESS_LOCATION_UNKNOWN("access.location_unknown", HttpStatus.BAD_REQUEST, "A policy names a location that does not exist."),
    ACCESS_STRENGTH_UNKNOWN("access.strength_unknown", HttpStatus.BAD_REQUEST, "Unknown authentication strength; known: mfa, phishing-resistant, hardware-key, allowed-models."),
    ACCESS_STRENGTH_MODELS("access.strength_models", HttpStatus.BAD_REQUEST, "The strength allowed-models must name at least one key model (AAGUID), and no other strength names any."),
    ACCESS_ASSIGNMENT_EMPTY("access.assignment_empty", HttpStatus.BAD_REQUEST, "A policy includes nobody or targets no resource."),
    ACCESS_CONDITION_EMPTY("access.condition_empty", HttpStatus.BAD_REQUEST, "A configured condition of a policy includes no network or names no method."),
    ACCESS_CONTROLS_INVALID("access.controls_invalid", HttpStatus.BAD_REQUEST, "A policy's controls are invalid: it must block, or require a strength or a compliant device, or set a sign-in frequency; a block stands alone."),
    ACCESS_SIGN_IN_FREQUENCY_INVALID("access.sign_in_frequency_invalid", HttpStatus.BAD_REQUEST, "A sign-in frequency must be more than zero and at most 365 days."),
    ACCESS_POLICY_DUPLICATE("access.policy_duplicate", HttpStatus.CONFLICT, "Another policy already has this id."),
    ACCESS_POLICY_NOT_FOUND("access.policy_not_found", HttpStatus.NOT_FOUND, "No such Conditional Access policy."),
    ACCESS_LOCATION_NOT_FOUND("access.location_not_found", HttpStatus.NOT_FOUND, "No such named location."),
    ACCESS_DEVICE_CA_NOT_FOUND("access.device_ca_not_found", HttpStatus.NOT_FOUND, "No such device CA."),
    ACCESS_NAME_TAKEN("access.name_taken", HttpStatus.CONFLICT, "Another policy, named location or device CA already has this name."),
    ACCESS_DEVICE_CA_INVALID("access.device_ca_invalid", HttpStatus.BAD_REQUEST, "A device CA must be one PEM-encoded X.509 CA certificate (basic constraints CA=true) that is valid now."),
    ACCESS_DEVICE_CA_DUPLICATE("access.device_ca_duplicate", HttpStatus.CONFLICT, "This certificate is already a device CA."),
    ACCESS_BLOCKED("access.blocked", HttpStatus.FORBIDDEN, "A Conditional Access policy blocks this access (who, from where, on which device, for which resource)."),
    ACCESS_REQUIREMENT_UNMET("access.requirement_unmet", HttpStatus.FORBIDDEN, "A Conditional Access policy requires more than this sign-in proved: a stronger method, a compliant device or a fresh sign-in (named in the detail)."),
    PIM_ACTIVATION_BLOCKED("pim.activation_blocked", HttpStatus.FORBIDDEN, "A Conditional Access policy refuses this activation (named in the detail)."),
    ACCESS_POLICY_INVALID("access.policy_invalid", HttpStatus.BAD_REQUEST, "A field of the policy is missing, too long or not one of its allowed values."),

    // people and their methods (issue 15): sign-in names, passwords, authenticator apps
    ACCOUNT_KEY_ONLY("account.key_only", HttpStatus.CONFLICT, "Emergency accounts sign in only with a security key: they take no sign-in name, password, authenticator app or other method."),
    ACCOUNT_KEY_REQUIRED("account.key_required", HttpStatus.FORBIDDEN, "Global administrators (and anyone who can change emergency settings) sign in only with a security key, never with a password and code."),
    ACCOUNT_LAST_METHOD("account.last_method", HttpStatus.CONFLICT, "This is the account's last way to sign in with two factors: add another method first."),
    SIGN_IN_NAME_TAKEN("account.sign_in_name_taken", HttpStatus.CONFLICT, "Another account already has this sign-in name (names are compared without case)."),
    PASSWORD_TOO_SHORT("password.too_short", HttpStatus.BAD_REQUEST, "The password must be at least 12 characters long."),
    PASSWORD_TOO_LONG("password.too_long", HttpStatus.BAD_REQUEST, "The password must be at most 256 characters long."),
    PASSWORD_BLOCKLISTED("password.blocklisted", HttpStatus.BAD_REQUEST, "The password is a common or breached password, or contains the sign-in name: choose another."),
    PASSWORD_MISSING("password.missing", HttpStatus.CONFLICT, "Set a password before the authenticator app."),
    TOTP_NOT_STARTED("totp.not_started", HttpStatus.CONFLICT, "No authenticator app set-up is waiting for a code: start the set-up first."),
    TOTP_CODE_INVALID("totp.code_invalid", HttpStatus.BAD_REQUEST, "The code does not match the authenticator app's key: check the app's clock and enter the current code."),
    SIGN_IN_FAILED("signin.failed", HttpStatus.UNAUTHORIZED, "The sign-in name, password or code is wrong."),
    SIGN_IN_BUSY("signin.busy", HttpStatus.SERVICE_UNAVAILABLE, "Too many password checks are running right now; try again in a moment."),

    // privileged identity management (issue 16): assignments, activation, approval
    PIM_NOT_ELIGIBLE("pim.not_eligible", HttpStatus.FORBIDDEN, "You hold no eligible assignment of this role right now."),
    PIM_ALREADY_ACTIVE("pim.already_active", HttpStatus.CONFLICT, "The role is already active for this account."),
    PIM_DURATION_INVALID("pim.duration_invalid", HttpStatus.BAD_REQUEST, "The activation's duration must be at least one minute and at most the role's maximum."),
    PIM_STEP_UP_REQUIRED("pim.step_up_required", HttpStatus.UNAUTHORIZED, "Activating a role needs a fresh sign-in with a security key: sign in again and retry within the role's step-up age."),
    PIM_REQUEST_PENDING("pim.request_pending", HttpStatus.CONFLICT, "A request to activate this role is already waiting for approval."),
    PIM_REQUEST_NOT_FOUND("pim.request_not_found", HttpStatus.NOT_FOUND, "No such activation request."),
    PIM_REQUEST_NOT_PENDING("pim.request_not_pending", HttpStatus.CONFLICT, "The activation request was already approved, denied or cancelled."),
    PIM_REQUEST_EXPIRED("pim.request_expired", HttpStatus.GONE, "The activation request expired before enough approvers approved it; ask again."),
    PIM_SELF_APPROVAL("pim.self_approval", HttpStatus.FORBIDDEN, "Nobody approves or denies their own activation request."),
    PIM_NOT_APPROVER("pim.not_approver", HttpStatus.FORBIDDEN, "You are not an approver of this role."),
    PIM_ALREADY_APPROVED("pim.already_approved", HttpStatus.CONFLICT, "You have already approved this request; it waits for other approvers."),
    PIM_ASSIGNMENT_NOT_FOUND("pim.assignment_not_found", HttpStatus.NOT_FOUND, "No such live assignment."),
    PIM_ASSIGNMENT_EXISTS("pim.assignment_exists", HttpStatus.CONFLICT, "The account already has a live assignment of this kind for this role."),
    PIM_NOT_ACTIVE("pim.not_active", HttpStatus.CONFLICT, "This assignment is not an activation of yours that is still running."),
    PIM_SETTINGS_INVALID("pim.settings_invalid", HttpStatus.BAD_REQUEST, "A role setting is out of range, or approval is required from fewer enabled approvers than it needs."),

    INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred; it has been logged.");

    private final String code;
    private final HttpStatus status;
    private final String title;

    ErrorCode(String code, HttpStatus status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() { return code; }
    public HttpStatus status() { return status; }
    public String title() { return title; }
}
