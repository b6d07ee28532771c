package dev.glasskey.secret;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;

/**
 * What a secret looks like in clear, in every form a careless store could write it: the text
 * itself; for a PEM private key its marker, its base64 body and the private scalar's bytes; for a
 * JWK its private parameters, as base64url and as bytes; for a base64 secret its bytes. A scan of
 * stored bytes for all of these finds a secret kept in clear, whatever the encoding.
 */
record ClearText(String description, byte[] bytes) {

    static List<ClearText> of(String secret) {
        List<ClearText> forms = new ArrayList<>();
        String text = secret.strip();
        forms.add(new ClearText("the secret's text", text.getBytes(StandardCharsets.UTF_8)));
        if (text.startsWith("-----BEGIN PRIVATE KEY-----")) {
            forms.add(new ClearText("a PEM private key marker", "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII)));
            String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
            forms.add(new ClearText("a PEM body", body.getBytes(StandardCharsets.US_ASCII)));
            byte[] der = Base64.getDecoder().decode(body);
            forms.add(new ClearText("a PKCS#8 key", der));
            forms.add(new ClearText("an EC private scalar", unsigned(ecScalar(der))));
        } else if (text.startsWith("{")) {
            JWK jwk = parse(text);
            if (jwk instanceof ECKey ec) {
                add(forms, "JWK d", ec.getD());
            } else if (jwk instanceof RSAKey rsa) {
                add(forms, "JWK d", rsa.getPrivateExponent());
                add(forms, "JWK p", rsa.getFirstPrimeFactor());
                add(forms, "JWK q", rsa.getSecondPrimeFactor());
                add(forms, "JWK dp", rsa.getFirstFactorCRTExponent());
                add(forms, "JWK dq", rsa.getSecondFactorCRTExponent());
                add(forms, "JWK qi", rsa.getFirstCRTCoefficient());
            }
        } else {
            try {
                byte[] raw = Base64.getDecoder().decode(text);
                if (raw.length >= 16) {
                    forms.add(new ClearText("a base64 secret's bytes", raw));
                }
            } catch (IllegalArgumentException notBase64) {
                // a password or a webhook secret: its text is the form
            }
        }
        return forms;
    }

    /** Where the first form of any of these is in {@code stored}, or null when none is. */
    static String foundIn(byte[] stored, List<ClearText> forms) {
        for (ClearText form : forms) {
            if (indexOf(stored, form.bytes()) >= 0) {
                return form.description() + " (" + form.bytes().length + " bytes)";
            }
        }
        return null;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void add(List<ClearText> forms, String what, Base64URL value) {
        forms.add(new ClearText(what + " (base64url)", value.toString().getBytes(StandardCharsets.US_ASCII)));
        forms.add(new ClearText(what + " (bytes)", value.decode()));
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static BigInteger ecScalar(byte[] pkcs8) {
        try {
            return ((ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8))).getS();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
