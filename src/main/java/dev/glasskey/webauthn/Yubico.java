package dev.glasskey.webauthn;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** Parsing of client responses with Yubico's parsers, mapped to our error model. */
final class Yubico {
    /**
     * One mapper configured exactly like Yubico's {@code JacksonCodecs.json()}. Yubico's static JSON
     * helpers ({@code toJson}, {@code fromJson}, {@code parse...ResponseJson}, {@code toCredentials...Json})
     * build a new ObjectMapper on every call, and so rebuild every serializer and deserializer by
     * reflection each time: ~1-3 ms of CPU per call, the largest cost of a sign-in (docs/PERFORMANCE.md).
     * An ObjectMapper is thread-safe once built.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .defaultBase64Variant(Base64Variants.MODIFIED_FOR_URL)
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .build();
    private static final TypeReference<PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs>>
            REGISTRATION = new TypeReference<>() { };
    private static final TypeReference<PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>>
            ASSERTION = new TypeReference<>() { };

    private Yubico() {}

    /** {@code AssertionRequest.toJson()} / {@code PublicKeyCredentialCreationOptions.toJson()}, same output. */
    static String toJson(Object yubicoValue) throws JsonProcessingException {
        return JSON.writeValueAsString(yubicoValue);
    }

    /** {@code PublicKeyCredentialCreationOptions.fromJson(json)}. */
    static PublicKeyCredentialCreationOptions creationOptions(String json) throws JsonProcessingException {
        return JSON.readValue(json, PublicKeyCredentialCreationOptions.class);
    }

    /** {@code AssertionRequest.toCredentialsGetJson()}: {"publicKey": {...}}. */
    static String credentialsGetJson(AssertionRequest request) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        root.set("publicKey", JSON.valueToTree(request.getPublicKeyCredentialRequestOptions()));
        return JSON.writeValueAsString(root);
    }

    /** {@code PublicKeyCredentialCreationOptions.toCredentialsCreateJson()}: {"publicKey": {...}}. */
    static String credentialsCreateJson(PublicKeyCredentialCreationOptions options) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        root.set("publicKey", JSON.valueToTree(options));
        return JSON.writeValueAsString(root);
    }

    /**
     * Parses a registration response (WebAuthn L3 {@code PublicKeyCredential.toJSON()} form).
     * Malformed JSON, base64url, CBOR or truncated authenticator data all surface here.
     */
    static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> registration(String json) {
        try {
            var credential = JSON.readValue(json, REGISTRATION);
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
            var credential = JSON.readValue(json, ASSERTION);
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
