package dev.glasskey.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.audit.AuditIntegrity.ExportFormatException;

/**
 * Checkpoints as published to the channels that receive them, and read back from a copy kept
 * outside the database ({@code glasskey audit verify --checkpoints FILE}).
 *
 * <p>The one accepted format is JSON Lines: every non-blank line is one JSON object, and a line
 * with a {@code checkpoint} member is a checkpoint:
 * {@code {"checkpoint": {"seq": 42, "hash": "<hex>", "signedAt": "<RFC 3339>", "keyId": "audit-signing-…",
 * "signature": "<base64 DER>"}, …}}. A webhook body is such a line as it arrives (written one
 * body per line), and so is the MSG of a checkpoint's syslog message; other members, and lines
 * without a {@code checkpoint} (alerts received on the same channel), are ignored.
 */
public final class ExternalCheckpoints {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ExternalCheckpoints() {}

    /** The checkpoint's fields, as published under {@code checkpoint}. */
    public static Map<String, Object> fields(AuditCheckpoint c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", c.seq());
        m.put("hash", c.headHash());
        m.put("signedAt", c.signedAt().toString());
        m.put("keyId", c.keyId());
        m.put("signature", c.signature());
        return m;
    }

    /** One line of the accepted format, {@code {"checkpoint": {…}}}: the syslog MSG of a checkpoint. */
    public static String line(AuditCheckpoint c) {
        return JSON.writeValueAsString(Map.of("checkpoint", fields(c)));
    }

    /**
     * Reads a copy. Lines without a {@code checkpoint} member are skipped.
     *
     * @throws ExportFormatException naming the line when a line is not a JSON object, or its
     *                               checkpoint lacks a field or has one of the wrong type
     */
    public static List<AuditCheckpoint> read(Path file) throws IOException {
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JacksonException e) {
                    throw new ExportFormatException("line " + line + " is not JSON");
                }
                if (node == null || !node.isObject()) {
                    throw new ExportFormatException("line " + line + " is not a JSON object");
                }
                JsonNode c = node.get("checkpoint");
                if (c == null) {
                    continue;
                }
                checkpoints.add(checkpoint(c, line));
            }
        }
        return checkpoints;
    }

    private static AuditCheckpoint checkpoint(JsonNode c, long line) {
        if (!c.isObject()) {
            throw new ExportFormatException("line " + line + ": 'checkpoint' is not an object");
        }
        JsonNode seq = c.get("seq");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new ExportFormatException("line " + line + ": checkpoint.seq is not a positive integer");
        }
        String hash = text(c, "hash", line);
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new ExportFormatException("line " + line + ": checkpoint.hash is not 64 hex digits");
        }
        Instant signedAt;
        try {
            signedAt = Instant.parse(text(c, "signedAt", line));
        } catch (DateTimeParseException e) {
            throw new ExportFormatException("line " + line + ": checkpoint.signedAt is not an RFC 3339 time");
        }
        return new AuditCheckpoint(seq.asLong(), hash, signedAt, text(c, "keyId", line), text(c, "signature", line));
    }

    private static String text(JsonNode c, String field, long line) {
        JsonNode v = c.get(field);
        if (v == null || !v.isString() || v.asString().isEmpty()) {
            throw new ExportFormatException("line " + line + ": checkpoint." + field + " is missing or not a string");
        }
        return v.asString();
    }
}
