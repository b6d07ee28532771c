package dev.glasskey.webauthn;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.yubico.webauthn.data.ByteArray;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * The members of the collected client data (WebAuthn L3 §5.8.1) that Glasskey judges itself, read
 * from the very bytes the authenticator signed over. Yubico's {@code CollectedClientData} exposes
 * neither {@code crossOrigin} nor {@code topOrigin}, and reads a member of the wrong JSON type as
 * null (a number as {@code origin} became a 500). Here every member has its type, the JSON is UTF-8
 * (L3 §7.1 step 5 / §7.2 step 9: "UTF-8 decode"), one object and nothing after it, and no member
 * appears twice — a repeated {@code origin} is read by different parsers as different origins.
 *
 * @param crossOrigin {@code crossOrigin}, false when absent
 * @param topOrigin   {@code topOrigin}, or null when absent
 */
record ClientData(String type, String origin, boolean crossOrigin, String topOrigin) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> TOKEN_BINDING_STATUSES = Set.of("present", "supported", "not-supported");

    static ClientData of(ByteArray clientDataJson) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(clientDataJson.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw malformed("The client data is not UTF-8.");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed("The client data is not one well-formed JSON object: " + Untrusted.reason(e) + ".");
        }
        if (node == null || !node.isObject()) {
            throw malformed("The client data is not a JSON object.");
        }
        String type = string(node, "type", true);
        string(node, "challenge", true);
        String origin = string(node, "origin", true);
        JsonNode crossOrigin = node.get("crossOrigin");
        if (crossOrigin != null && !crossOrigin.isBoolean()) {
            throw malformed("The client data member crossOrigin is not a boolean.");
        }
        String topOrigin = string(node, "topOrigin", false);
        JsonNode tokenBinding = node.get("tokenBinding");
        if (tokenBinding != null && !(tokenBinding.isObject() && tokenBinding.path("status").isTextual()
                && TOKEN_BINDING_STATUSES.contains(tokenBinding.path("status").textValue())
                && (!tokenBinding.has("id") || tokenBinding.get("id").isTextual()))) {
            throw malformed("The client data member tokenBinding is not a token binding (L3 §5.8.1).");
        }
        return new ClientData(type, origin, crossOrigin != null && crossOrigin.booleanValue(), topOrigin);
    }

    private static String string(JsonNode node, String member, boolean required) {
        JsonNode value = node.get(member);
        if (value == null && !required) {
            return null;
        }
        if (value == null || !value.isTextual()) {
            throw malformed("The client data member " + member + " is " + (value == null ? "missing" : "not a string") + ".");
        }
        return value.textValue();
    }

    private static GlasskeyException malformed(String detail) {
        return new GlasskeyException(ErrorCode.CREDENTIAL_MALFORMED, detail);
    }
}
