package dev.glasskey.secret;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code glasskey.secrets.*} settings: where the key-encryption key (KEK) comes from
 * (docs/OPERATIONS.md, "Secrets at rest"; README configuration reference). The first source
 * configured of: a PKCS#11 token, {@code kek} (environment {@code GLASSKEY_KEK}), {@code kek-file};
 * with none, {@code master.key} in the data directory, created on first start.
 *
 * @param kek              the KEK, base64 of 32 random bytes ({@code openssl rand -base64 32})
 * @param kekFile          a file holding the KEK in the same form
 * @param previousKeks     KEKs that only open (while {@code glasskey keys rewrap} moves to the current one)
 * @param previousKekFiles files holding such KEKs (e.g. the old {@code master.key})
 * @param pkcs11           the KEK as an AES key on a PKCS#11 token (HSM, SoftHSM)
 */
@ConfigurationProperties(prefix = "glasskey.secrets")
public record SecretsProperties(String kek, String kekFile, List<String> previousKeks, List<String> previousKekFiles, Pkcs11 pkcs11) {

    public SecretsProperties {
        kek = blankToNull(kek);
        kekFile = blankToNull(kekFile);
        previousKeks = nonBlank(previousKeks);
        previousKekFiles = nonBlank(previousKekFiles);
        pkcs11 = pkcs11 == null ? new Pkcs11(null, null, null, null, null, null) : pkcs11;
    }

    /**
     * @param library           the token's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}; setting it selects this source
     * @param slot              the slot id (SunPKCS11 {@code slot}); or
     * @param slotListIndex     the index in the module's slot list (SunPKCS11 {@code slotListIndex}; default 0)
     * @param pin               the user PIN (environment {@code GLASSKEY_PKCS11_PIN})
     * @param keyLabel          the label ({@code CKA_LABEL}) of the AES-256 key that seals
     * @param previousKeyLabels labels of keys on the same token that only open
     */
    public record Pkcs11(String library, Integer slot, Integer slotListIndex, String pin, String keyLabel, List<String> previousKeyLabels) {
        public Pkcs11 {
            library = blankToNull(library);
            pin = blankToNull(pin);
            keyLabel = blankToNull(keyLabel);
            previousKeyLabels = nonBlank(previousKeyLabels);
        }

        public boolean configured() {
            return library != null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
    }
}
