package dev.glasskey.webauthn;

import java.io.IOException;

import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** Parsing of client responses with Yubico's parsers, mapped to our error model. */
final class Yubico {
    private Yubico() {}

    /**
     * Parses a registration response (WebAuthn L3 {@code PublicKeyCredential.toJSON()} form).
     * Malformed JSON, base64url, CBOR or truncated authenticator data all surface here.
     */
    static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> registration(String json) {
        try {
            var credential = PublicKeyCredential.parseRegistrationResponseJson(json);
            // Force the lazy parts: the attestation object and its authenticator data.
            credential.getResponse().getAttestation().getAuthenticatorData().getAttestedCredentialData()
                    .orElseThrow(() -> new IllegalArgumentException("no attested credential data"));
            return credential;
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        }
    }

    static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> assertion(String json) {
        try {
            var credential = PublicKeyCredential.parseAssertionResponseJson(json);
            credential.getResponse().getParsedAuthenticatorData();
            credential.getResponse().getClientData();
            return credential;
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        }
    }

    private static GlasskeyException malformed(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Keep the detail short and free of stack or class internals.
        reason = reason.lines().findFirst().orElse("").replaceAll("\\(through reference chain.*", "")
                // Jackson names the library class it failed to build: say what was wrong, not what we run.
                .replaceAll("Cannot construct instance of `[^`]*`(, problem: )?", "")
                .replaceAll("`?\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*`?", "a value")
                .strip();
        if (reason.isEmpty()) {
            reason = "invalid value";
        }
        if (reason.length() > 200) {
            reason = reason.substring(0, 200);
        }
        return new GlasskeyException(ErrorCode.CREDENTIAL_MALFORMED, "The credential response could not be parsed: " + reason);
    }
}
