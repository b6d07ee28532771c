package dev.glasskey.secret;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.SecretKey;

import dev.glasskey.system.Sealing;

/**
 * The key-encryption key as an AES-256 key on a PKCS#11 token (an HSM, or SoftHSM): the JDK's
 * SunPKCS11 provider, configured at start from {@code glasskey.secrets.pkcs11.*} (library, slot,
 * PIN), finds the key by its label; sealing and opening run on the token, so the key never
 * leaves it. One provider per process: every KEK of the ring comes from the same token.
 */
final class Pkcs11Keys {
    private Pkcs11Keys() {}

    /** The keys named by the configuration, from one session with the token: the current one first, then the previous ones. */
    static List<Sealing.Kek> load(SecretsProperties.Pkcs11 config) {
        if (config.keyLabel() == null) {
            throw KeyEncryptionKeys.refused("glasskey.secrets.pkcs11.library is set but no key label.",
                    "Set glasskey.secrets.pkcs11.key-label to the label of the AES-256 key on the token.", null);
        }
        if (config.pin() == null) {
            throw KeyEncryptionKeys.refused("glasskey.secrets.pkcs11.library is set but no PIN.",
                    "Give the token's user PIN in GLASSKEY_PKCS11_PIN (or glasskey.secrets.pkcs11.pin).", null);
        }
        Provider provider;
        KeyStore store;
        String slot = config.slot() != null ? "slot = " + config.slot()
                : "slotListIndex = " + (config.slotListIndex() == null ? 0 : config.slotListIndex());
        try {
            // SunPKCS11 takes its configuration inline after "--" (JDK 9+): name, library, slot.
            provider = Security.getProvider("SunPKCS11").configure("--name = Glasskey\nlibrary = " + config.library() + "\n" + slot + "\n");
            store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, config.pin().toCharArray());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw KeyEncryptionKeys.refused("The PKCS#11 token cannot be opened (" + config.library() + ", " + slot.replace(" =", "")
                            + "): " + rootMessage(e) + ".",
                    "Check glasskey.secrets.pkcs11.library, slot (or slot-list-index) and the PIN, and that the token is present.", e);
        }
        List<Sealing.Kek> keys = new ArrayList<>();
        keys.add(key(config, store, provider, config.keyLabel()));
        for (String label : config.previousKeyLabels()) {
            keys.add(key(config, store, provider, label));
        }
        return keys;
    }

    private static Sealing.Kek key(SecretsProperties.Pkcs11 config, KeyStore store, Provider provider, String label) {
        Key key;
        try {
            key = store.getKey(label, null);
        } catch (GeneralSecurityException e) {
            throw KeyEncryptionKeys.refused("The key labelled '" + label + "' on the PKCS#11 token cannot be read: " + e.getMessage() + ".",
                    "Check the key label and that the PIN's user may use it.", e);
        }
        if (!(key instanceof SecretKey secret) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw KeyEncryptionKeys.refused("The PKCS#11 token " + (key == null ? "has no key labelled '" + label + "'"
                            : "holds '" + label + "' but it is not an AES key (" + key.getAlgorithm() + ")") + ".",
                    "Create an AES-256 key on the token with that label, e.g. 'pkcs11-tool --module " + config.library()
                            + " --login --keygen --key-type AES:32 --label " + label + "' (docs/OPERATIONS.md, \"Secrets at rest\").", null);
        }
        return new Sealing.Kek(Sealing.keyCheckValue(secret, provider), secret, provider, "PKCS#11 key '" + label + "' via " + config.library());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
