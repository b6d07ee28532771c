package dev.glasskey.audit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * The audit-signing public keys pinned outside the database: the only keys whose checkpoint
 * signatures verification trusts. Read from a file of PEM {@code PUBLIC KEY} blocks (RFC 7468
 * §13, SubjectPublicKeyInfo), with Bouncy Castle's PEM reader; text outside the blocks (the
 * comment lines Glasskey writes) is ignored, as RFC 7468 §2 lets parsers do.
 *
 * @param source where the keys came from, for messages (a file name)
 * @param keys   the pinned keys, in file order
 * @param note   why there are none (file missing or unreadable), or null
 */
public record PinnedKeys(String source, List<PublicKey> keys, String note) {

    public PinnedKeys {
        keys = List.copyOf(keys);
    }

    /** No pinned keys: every checkpoint is untrusted; {@code why} says so in the result. */
    public static PinnedKeys none(String source, String why) {
        return new PinnedKeys(source, List.of(), why);
    }

    /**
     * The keys in a PEM file. A missing file gives no keys (and says so); a file that holds a
     * block that is not an EC public key is refused, naming the block.
     *
     * @throws IOException on a read error other than a missing file
     * @throws IllegalArgumentException when a block cannot be read as an EC public key
     */
    public static PinnedKeys read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return none(file.toString(), "no such file");
        }
        return parse(file.toString(), text);
    }

    /**
     * The keys in the file, or none when it is missing or cannot be read as pinned keys — the
     * result then says why ({@link #note()}), and every checkpoint verifies as untrusted.
     */
    public static PinnedKeys readOrNone(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            return none(file.toString(), "cannot read it: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return none(file.toString(), e.getMessage());
        }
    }

    /** Several files read as one set (the command line's repeated {@code --trusted-key}). */
    public static PinnedKeys read(List<Path> files) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            PinnedKeys one = read(file);
            if (one.note() != null) {
                throw new NoSuchFileException(file.toString(), null, one.note());
            }
            keys.addAll(one.keys());
        }
        return new PinnedKeys(String.join(", ", files.stream().map(Path::toString).toList()), keys, null);
    }

    static PinnedKeys parse(String source, String text) {
        List<PublicKey> keys = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject block;
            int n = 0;
            while ((block = reader.readPemObject()) != null) {
                n++;
                if (!"PUBLIC KEY".equals(block.getType())) {
                    throw new IllegalArgumentException(source + ": PEM block " + n + " is '" + block.getType() + "', not 'PUBLIC KEY'");
                }
                try {
                    keys.add(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(block.getContent())));
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException(source + ": PEM block " + n + " is not an EC public key");
                }
            }
        } catch (IOException e) {
            // PemReader signals a block without its END line, or bad base64, as IOException.
            throw new IllegalArgumentException(source + ": not a PEM file (" + e.getMessage() + ")");
        }
        return new PinnedKeys(source, keys, keys.isEmpty() ? "no PUBLIC KEY block" : null);
    }

    /** Whether this exact key (its SubjectPublicKeyInfo) is pinned. */
    public boolean pins(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return keys.stream().anyMatch(k -> Arrays.equals(k.getEncoded(), encoded));
    }

    /** "SHA-256 fingerprint" of each pinned key, for people to compare. */
    public List<String> fingerprints() {
        return keys.stream().map(AuditIntegrity::fingerprint).toList();
    }

    /** Where the keys come from, and why there are none if so: for messages. */
    public String describe() {
        return note == null ? source : source + " (" + note + ")";
    }
}
