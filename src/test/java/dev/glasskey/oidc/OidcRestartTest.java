package dev.glasskey.oidc;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.token.AccessToken;

import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys, clients and tokens survive a restart: a client registered with the CLI gets a token
 * from one server process; after a restart on the same data directory the token still verifies
 * against the published keys (same key id) and is still active, and no key was regenerated.
 * Then {@code keys rotate} from the CLI: the old token still verifies, new ones use the new key.
 */
class OidcRestartTest {

    @Test
    void tokensAndKeysIssuedBeforeARestartStillVerifyAfterIt(@TempDir Path dataDir) throws Exception {
        CommandOutput added = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Batch job", "--grant", "client_credentials",
                "--scope", "reports.read", "--data-dir", dataDir.toString()));
        assertThat(added.exitCode()).as(added.text()).isZero();
        String clientId = find(added.text(), "^(gk-\\S+)\\s+confidential");
        String secret = find(added.text(), "client_secret: (\\S+)");

        AccessToken token;
        String kid;
        try (ConfigurableApplicationContext server = start(dataDir)) {
            RelyingParty rp = new RelyingParty(RelyingParty.discover(baseUrl(server)), clientId, secret, null, "ES256");
            token = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
            kid = SignedJWT.parse(token.getValue()).getHeader().getKeyID();
            assertThat(verifies(token, rp)).isTrue();
        }
        try (ConfigurableApplicationContext server = start(dataDir)) {
            RelyingParty rp = new RelyingParty(RelyingParty.discover(baseUrl(server)), clientId, secret, null, "ES256");
            assertThat(verifies(token, rp)).as("signed before the restart, verified after it").isTrue();
            assertThat(rp.active(token)).isTrue();
            assertThat(SignedJWT.parse(RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken().getValue())
                    .getHeader().getKeyID()).as("the key was not regenerated").isEqualTo(kid);
        }

        CommandOutput rotated = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rotate", "--data-dir", dataDir.toString()));
        assertThat(rotated.exitCode()).as(rotated.text()).isZero();
        assertThat(rotated.text()).contains(kid + "  ES256  retired");
        try (ConfigurableApplicationContext server = start(dataDir)) {
            RelyingParty rp = new RelyingParty(RelyingParty.discover(baseUrl(server)), clientId, secret, null, "ES256");
            assertThat(verifies(token, rp)).as("the superseded key is still published").isTrue();
            assertThat(SignedJWT.parse(RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken().getValue())
                    .getHeader().getKeyID()).isNotEqualTo(kid);
        }
    }

    private static boolean verifies(AccessToken token, RelyingParty rp) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token.getValue());
        JWKSet keys = JWKSet.load(rp.metadata.getJWKSetURI().toURL());
        ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier(key));
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return Servers.startListening(dataDir);
    }

    private static String baseUrl(ConfigurableApplicationContext server) {
        return Servers.baseUrl(server);
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }


}
