package dev.glasskey.session;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.web.servlet.FlashMap;

import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.SignedIn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Session attributes read back only as the types Glasskey stores in a session. */
class SessionSerializationTest {
    private final ConversionService conversion = SessionSerialization.conversionService();

    private Object read(byte[] bytes) {
        return conversion.convert(bytes, TypeDescriptor.valueOf(byte[].class), TypeDescriptor.valueOf(Object.class));
    }

    private Object roundTrip(Object value) {
        byte[] bytes = (byte[]) conversion.convert(value, TypeDescriptor.valueOf(Object.class), TypeDescriptor.valueOf(byte[].class));
        return conversion.convert(bytes, TypeDescriptor.valueOf(byte[].class), TypeDescriptor.valueOf(Object.class));
    }

    @Test
    void whatASessionHoldsReadsBack() {
        SignedIn signedIn = new SignedIn("acc", "Name", true, Set.of("global-admin", "auditor"), "cred", "key", "aaguid", true, true,
                Instant.parse("2026-12-01T10:00:00Z"), 7);
        assertThat(roundTrip(signedIn)).isEqualTo(signedIn);
        // A password + code sign-in (issue 15) has no credential or key, and reads back as one.
        SignedIn withPassword = SignedIn.withPasswordAndCode("acc", "Name", Set.of("auditor"), Instant.parse("2026-12-01T10:00:00Z"), 3);
        assertThat(roundTrip(withPassword)).isEqualTo(withPassword);
        assertThat(((SignedIn) roundTrip(withPassword)).amr()).containsExactly("pwd", "otp", "mfa");
        Map<String, Instant> pending = new LinkedHashMap<>(Map.of("k", Instant.EPOCH));
        assertThat(roundTrip(pending)).isEqualTo(pending);
        assertThat(roundTrip("account-id")).isEqualTo("account-id");
        // The console's flash attributes, as Spring MVC's SessionFlashMapManager stores them.
        FlashMap flash = new FlashMap();
        flash.put("message", "Key added.");
        flash.put("link", new EnrolmentLink("http://localhost/enrol/t", "t", "acc", "key", "enrol", Instant.EPOCH));
        flash.setTargetRequestPath("/admin");
        flash.addTargetRequestParam("a", "b");
        flash.startExpirationPeriod(180);
        List<FlashMap> maps = new CopyOnWriteArrayList<>(List.of(flash));
        assertThat(roundTrip(maps)).isEqualTo(maps);
    }

    @Test
    void anyOtherTypeIsRefusedNotInstantiated() throws Exception {
        for (Object smuggled : new Object[] {URI.create("http://evil.example").toURL(), new java.util.concurrent.ConcurrentHashMap<>(),
                new javax.management.openmbean.OpenDataException("x")}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write('J'); // the form Java serialisation is stored in: still filtered
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(smuggled);
            }
            assertThatThrownBy(() -> read(bytes.toByteArray())).as(smuggled.getClass().getName()).isInstanceOf(RuntimeException.class);
            // ... and without the tag, as plain Spring Session would have written it.
            byte[] untagged = java.util.Arrays.copyOfRange(bytes.toByteArray(), 1, bytes.size());
            assertThatThrownBy(() -> read(untagged)).isInstanceOf(RuntimeException.class);
        }
        for (byte[] junk : List.of(new byte[0], new byte[] {(byte) 0xde, (byte) 0xad}, "G{\"accountId\":".getBytes(),
                "G{\"accountId\":\"a\",\"roles\":7}".getBytes(), "Gnot json".getBytes(), "G{}".getBytes(), "G{\"accountId\":\"a\",\"roles\":[]}".getBytes(), new byte[] {'J', 1, 2})) {
            assertThatThrownBy(() -> read(junk)).as(new String(junk)).isInstanceOf(RuntimeException.class);
        }
    }
}
