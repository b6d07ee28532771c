package dev.glasskey.system;

import org.junit.jupiter.api.Test;

import dev.glasskey.testing.QrImages;
import dev.glasskey.totp.Totp;

import static org.assertj.core.api.Assertions.assertThat;

/** Every QR code Glasskey draws reads back as its text: enrolment links (custodian sheet) and authenticator-app URIs (issue 15). */
class QrCodesTest {

    @Test
    void linksAndOtpauthUrisOfEveryShapeReadBack() {
        int failures = 0;
        StringBuilder failed = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            for (String text : new String[] {"http://localhost:" + (30000 + i) + "/enrol/" + Ids.randomToken(32),
                    Totp.uri("Glasskey (idp" + i + ".example.org)", "person." + i + "@example.org", Totp.newSecret())}) {
                String read;
                try {
                    read = QrImages.decode(QrCodes.dataUri(text));
                } catch (AssertionError e) {
                    read = null;
                }
                if (!text.equals(read)) {
                    failures++;
                    failed.append(text).append('\n');
                }
            }
        }
        assertThat(failures).as(failed.toString()).isZero();
    }
}
