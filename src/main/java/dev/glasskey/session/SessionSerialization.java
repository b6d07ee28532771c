package dev.glasskey.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.support.GenericConversionService;
import org.springframework.core.serializer.support.SerializationFailedException;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.webauthn.SignedIn;

/**
 * How session attributes are turned into bytes and back. Every authenticated request reads its
 * session's attributes, so the two a signed-in session always holds have a form of their own,
 * cheap to read: the {@link SignedIn} as JSON, the principal name as UTF-8. Anything else (the
 * console's flash attributes: Spring MVC's {@code FlashMap} with messages and a just-issued
 * enrolment link; the pending fresh-sign-in marks of an OpenID Connect request) is Java
 * serialisation, read back only as the types Glasskey puts into a session (JEP 290 filter). A
 * session row is data from the database: a row someone wrote to smuggle another class in is
 * refused, never instantiated. The first byte says which form follows.
 */
final class SessionSerialization {
    private static final byte SIGNED_IN = 'G';
    private static final byte STRING = 'S';
    private static final byte JAVA = 'J';
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=8;maxrefs=2000;maxbytes=65536;maxarray=4096;"
                    + "dev.glasskey.webauthn.SignedIn;dev.glasskey.webauthn.EnrolmentLink;"
                    + "org.springframework.web.servlet.FlashMap;org.springframework.util.LinkedMultiValueMap;"
                    + "org.springframework.util.MultiValueMapAdapter;java.util.concurrent.CopyOnWriteArrayList;"
                    + "java.lang.*;java.util.*;java.time.*;!*");

    private SessionSerialization() {}

    static GenericConversionService conversionService() {
        GenericConversionService service = new GenericConversionService();
        service.addConverter(Object.class, byte[].class, (Converter<Object, byte[]>) SessionSerialization::write);
        service.addConverter(byte[].class, Object.class, (Converter<byte[], Object>) SessionSerialization::read);
        return service;
    }

    static byte[] write(Object value) {
        if (value instanceof SignedIn signedIn) {
            return tagged(SIGNED_IN, JSON.writeValueAsBytes(signedIn));
        }
        if (value instanceof String string) {
            return tagged(STRING, string.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new SerializationFailedException("cannot serialise a session attribute of type " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    static Object read(byte[] bytes) {
        if (bytes.length == 0) {
            throw new SerializationFailedException("empty session attribute");
        }
        byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
        try {
            return switch (bytes[0]) {
                case SIGNED_IN -> signedIn(body);
                case STRING -> new String(body, StandardCharsets.UTF_8);
                case JAVA -> {
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(body))) {
                        in.setObjectInputFilter(FILTER);
                        yield in.readObject();
                    }
                }
                default -> throw new SerializationFailedException("session attribute of an unknown form");
            };
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw e instanceof SerializationFailedException s ? s : new SerializationFailedException("unreadable session attribute", e);
        }
    }

    /**
     * Every request of a session reads the same sign-in bytes: the parsed record is remembered by
     * its exact bytes (bounded, least recently used first out), so only a session's first request
     * on a node parses JSON. Safe to share: the record is immutable, and other bytes are another key.
     */
    private static final int REMEMBERED = 4096;
    private static final Map<String, SignedIn> PARSED = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SignedIn> eldest) {
            return size() > REMEMBERED;
        }
    });

    private static SignedIn signedIn(byte[] json) throws IOException {
        String key = new String(json, StandardCharsets.ISO_8859_1);
        SignedIn known = PARSED.get(key);
        if (known != null) {
            return known;
        }
        SignedIn parsed = complete(JSON.readValue(json, SignedIn.class));
        PARSED.put(key, parsed);
        return parsed;
    }

    /** A sign-in read back has everything the per-request check needs, or it is no sign-in. */
    private static SignedIn complete(SignedIn s) {
        boolean keyless = s.passwordAndCode();
        if (s.accountId() == null || s.authTime() == null || (!keyless && (s.credentialId() == null || s.keyId() == null))) {
            throw new SerializationFailedException("incomplete sign-in in a session attribute");
        }
        return s;
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
