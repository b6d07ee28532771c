package dev.glasskey.webauthn;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.exception.Base64UrlException;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

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
            // A request body is one JSON object, each member once (issue 13: a repeated member is read
            // differently by different parsers); these bind only when reading.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
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
        // Written straight to text (no intermediate tree: every sign-in's options pass here).
        return "{\"publicKey\":" + JSON.writeValueAsString(request.getPublicKeyCredentialRequestOptions()) + "}";
    }

    /** {@code PublicKeyCredentialCreationOptions.toCredentialsCreateJson()}: {"publicKey": {...}}. */
    static String credentialsCreateJson(PublicKeyCredentialCreationOptions options) throws JsonProcessingException {
        return "{\"publicKey\":" + JSON.writeValueAsString(options) + "}";
    }

    /**
     * Parses a registration response (WebAuthn L3 {@code PublicKeyCredential.toJSON()} form). A body
     * that is not one well-formed JSON object is {@code request.malformed}; malformed members,
     * base64url, CBOR or truncated authenticator data are {@code ceremony.credential_malformed}.
     */
    static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> registration(String json) {
        JsonNode tree = body(json);
        try {
            PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> credential =
                    JSON.readerFor(REGISTRATION).readValue(tree);
            // Force the lazy parts: the attestation object and its authenticator data.
            credential.getResponse().getAttestation().getAuthenticatorData().getAttestedCredentialData()
                    .orElseThrow(() -> new IllegalArgumentException("no attested credential data"));
            return credential;
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        }
    }

    static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> assertion(String json) {
        JsonNode tree = body(json);
        try {
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> credential =
                    JSON.readerFor(ASSERTION).readValue(tree);
            credential.getResponse().getParsedAuthenticatorData();
            credential.getResponse().getClientData();
            return credential;
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        }
    }

    /**
     * The request body as one JSON object, or {@code request.malformed}; and {@code id} and
     * {@code rawId}, when both are given, the same bytes (WebAuthn L3 §5.1: {@code id} is
     * {@code rawId} base64url-encoded), else {@code ceremony.credential_id_mismatch}.
     */
    private static JsonNode body(String json) {
        if (json == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_MALFORMED, "The request body is empty.");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new GlasskeyException(ErrorCode.REQUEST_MALFORMED, "The request body is not well-formed JSON: " + Untrusted.reason(e) + ".");
        }
        if (tree == null || !tree.isObject()) {
            throw new GlasskeyException(ErrorCode.REQUEST_MALFORMED, "The request body is not a JSON object.");
        }
        JsonNode id = tree.get("id");
        JsonNode rawId = tree.get("rawId");
        if (id != null && rawId != null && id.isTextual() && rawId.isTextual()) {
            ByteArray idBytes;
            ByteArray rawIdBytes;
            try {
                idBytes = ByteArray.fromBase64Url(id.textValue());
                rawIdBytes = ByteArray.fromBase64Url(rawId.textValue());
            } catch (Base64UrlException | RuntimeException e) {
                throw malformed(e);
            }
            if (!idBytes.equals(rawIdBytes)) {
                throw new GlasskeyException(ErrorCode.CREDENTIAL_ID_MISMATCH, "The credential's id and rawId differ.");
            }
        }
        return tree;
    }

    private static GlasskeyException malformed(Exception e) {
        return new GlasskeyException(ErrorCode.CREDENTIAL_MALFORMED, "The credential response could not be parsed: " + Untrusted.reason(e));
    }
}
