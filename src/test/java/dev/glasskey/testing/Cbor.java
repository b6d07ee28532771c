package dev.glasskey.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * A CBOR (RFC 8949) <em>encoder</em> for hostile test input: besides the ordinary definite-length
 * items it writes what a well-behaved encoder never does — tags, indefinite-length maps and arrays,
 * chunked byte and text strings, raw bytes — so tests can hand the relying party every lenient
 * encoding it must refuse. Values: {@link Long}/{@link Integer}, {@link String}, {@code byte[]},
 * {@link Boolean}, {@code null}, {@link List}, {@link Map} (in iteration order) and the items below.
 * Decoding stays with Jackson ({@link #tree}).
 */
public final class Cbor {
    private static final CBORMapper JACKSON = CBORMapper.builder().build();

    private Cbor() {
    }

    /** Tag {@code tag} (major type 6) on {@code value}. */
    public record Tagged(long tag, Object value) {}

    /** A map or array written with indefinite length (additional information 31) and a break. */
    public record Indefinite(Object container) {}

    /** A byte or text string written as indefinite-length chunks. */
    public record Chunked(boolean text, List<byte[]> chunks) {}

    /** Bytes written as they are: a pre-encoded item, or garbage. */
    public record Raw(byte[] bytes) {}

    public static Tagged tag(long tag, Object value) {
        return new Tagged(tag, value);
    }

    public static Indefinite indefinite(Object mapOrList) {
        return new Indefinite(mapOrList);
    }

    public static Chunked chunkedBytes(byte[]... chunks) {
        return new Chunked(false, List.of(chunks));
    }

    public static Chunked chunkedText(String... chunks) {
        List<byte[]> parts = new ArrayList<>();
        for (String c : chunks) {
            parts.add(c.getBytes(StandardCharsets.UTF_8));
        }
        return new Chunked(true, parts);
    }

    public static Raw raw(byte[] bytes) {
        return new Raw(bytes.clone());
    }

    /** A map of alternating keys and values, in that order. */
    public static Map<Object, Object> map(Object... keysAndValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A copy of {@code map} (in its order) with {@code key} set to {@code value}; {@code null} removes it. */
    public static Map<Object, Object> with(Map<Object, Object> map, Object key, Object value) {
        Map<Object, Object> copy = new LinkedHashMap<>(map);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    /**
     * Decodes {@code bytes} with Jackson into the values this class encodes (maps keyed by text,
     * byte strings, numbers, text, booleans, lists), to edit a real attestation object and encode it again.
     */
    public static Object tree(byte[] bytes) {
        return fromTree(JACKSON.readTree(bytes));
    }

    /** {@link #tree} of a CBOR map. */
    @SuppressWarnings("unchecked")
    public static Map<Object, Object> mapTree(byte[] bytes) {
        return (Map<Object, Object>) tree(bytes);
    }

    private static Object fromTree(JsonNode node) {
        if (node.isObject()) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), fromTree(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.values().forEach(n -> list.add(fromTree(n)));
            return list;
        }
        if (node.isBinary()) {
            return node.binaryValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        return node.asString();
    }

    /** The initial byte(s) of an item: major type and argument, in the shortest form. */
    public static byte[] head(int major, long argument) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHead(out, major, argument);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write(0xf6);
        } else if (value instanceof Boolean b) {
            out.write(b ? 0xf5 : 0xf4);
        } else if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n >= 0) {
                writeHead(out, 0, n);
            } else {
                writeHead(out, 1, -1 - n);
            }
        } else if (value instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeHead(out, 3, utf8.length);
            out.writeBytes(utf8);
        } else if (value instanceof byte[] b) {
            writeHead(out, 2, b.length);
            out.writeBytes(b);
        } else if (value instanceof List<?> list) {
            writeHead(out, 4, list.size());
            list.forEach(v -> write(out, v));
        } else if (value instanceof Map<?, ?> map) {
            writeHead(out, 5, map.size());
            map.forEach((k, v) -> {
                write(out, k);
                write(out, v);
            });
        } else if (value instanceof Tagged t) {
            writeHead(out, 6, t.tag());
            write(out, t.value());
        } else if (value instanceof Indefinite i) {
            if (i.container() instanceof Map<?, ?> map) {
                out.write(0xbf);
                map.forEach((k, v) -> {
                    write(out, k);
                    write(out, v);
                });
            } else {
                out.write(0x9f);
                ((List<?>) i.container()).forEach(v -> write(out, v));
            }
            out.write(0xff);
        } else if (value instanceof Chunked c) {
            out.write(c.text() ? 0x7f : 0x5f);
            for (byte[] chunk : c.chunks()) {
                writeHead(out, c.text() ? 3 : 2, chunk.length);
                out.writeBytes(chunk);
            }
            out.write(0xff);
        } else if (value instanceof Raw r) {
            out.writeBytes(r.bytes());
        } else {
            throw new IllegalArgumentException("cannot encode " + value.getClass());
        }
    }

    private static void writeHead(ByteArrayOutputStream out, int major, long argument) {
        int type = major << 5;
        if (argument < 24) {
            out.write(type | (int) argument);
        } else if (argument < 0x100) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(type | 25);
            out.write((int) (argument >> 8));
            out.write((int) argument);
        } else if (argument < 0x100000000L) {
            out.write(type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (argument >> shift));
            }
        } else {
            out.write(type | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (argument >> shift));
            }
        }
    }
}
