package dev.glasskey.alert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.audit.AuditCheckpoint;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.testing.AuditTampering;
import dev.glasskey.testing.CommandOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, the trust anchor end to end on a running server: checkpoints published to a real
 * webhook receiver and a real syslog listener on 127.0.0.1 are kept, by the receivers, as the
 * external copy {@code glasskey audit verify --checkpoints} reads. Then a database writer rewrites
 * the chain, re-signs every checkpoint with a key of their own and inserts its public key row:
 * {@code GET /api/audit/verify} and the command line (which trust only the pinned keys) report
 * untrusted; each external copy reports the chain broken at the checkpoint it holds; and once the
 * writer deletes the stored checkpoints as well, only the copies still tell.
 *
 * <p>Each implementing class runs its own server on a database of its own: the test damages the log.
 */
interface CheckpointCopyContract extends AlertChannels {

    AuditIntegrity integrity();

    /** {@code glasskey <args>} on the host of this server: same database, same data directory. */
    CommandOutput glasskey(String... args);

    Path dataDir();

    @Test
    default void anExternalCopyFromWebhookAndSyslogCatchesAChainReSignedWithTheWritersOwnKey() throws Exception {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver hook = new WebhookReceiver(); SyslogListener syslog = SyslogListener.udp()) {
            Map<String, Object> webhook = new HashMap<>(webhook("copy over webhook", hook.url(), "critical"));
            webhook.put("receivesCheckpoints", true);
            JsonNode overWebhook = createChannel(admin.http(), webhook);
            JsonNode overSyslog = createChannel(admin.http(), Map.of("name", "copy over syslog", "type", "syslog", "minSeverity", "critical",
                    "receivesCheckpoints", true, "settings", Map.of("host", "127.0.0.1", "port", syslog.port(), "transport", "udp")));
            AuditCheckpoint published = integrity().checkpoint().orElseThrow();
            await("the checkpoint at both receivers", () -> !hook.accepted().isEmpty() && !syslog.messages().isEmpty());
            Path webhookCopy = dataDir().resolve("checkpoints-webhook.jsonl");
            Path syslogCopy = dataDir().resolve("checkpoints-syslog.jsonl");
            hook.writeCheckpointCopy(webhookCopy);
            syslog.writeCheckpointCopy(syslogCopy);
            assertThat(Files.readAllLines(webhookCopy)).hasSize(1);
            assertThat(Files.readAllLines(syslogCopy)).hasSize(1);
            deleteChannel(admin.http(), overWebhook);
            deleteChannel(admin.http(), overSyslog);

            for (Path copy : List.of(webhookCopy, syslogCopy)) {
                CommandOutput intact = glasskey("audit", "verify", "--checkpoints", copy.toString());
                assertThat(intact.exitCode()).as(intact.toString()).isZero();
                assertThat(intact.out()).contains("audit log intact").contains("1 external checkpoints matched");
            }
            JsonNode before = admin.http().get("/api/audit/verify").json();
            assertThat(before.path("verdict").asString()).as(before.toString()).isEqualTo("intact");

            // The writer: rewrites the chain from the administrator's own creation on, and signs it again with a key of their own.
            KeyPair own = AuditTampering.ecKeyPair();
            String ownId = "audit-signing-mine";
            AuditTampering.rewriteChainFrom(jdbc(), admin.account().id());
            AuditTampering.reSignCheckpoints(jdbc(), own, ownId);

            JsonNode api = admin.http().get("/api/audit/verify").json();
            assertThat(api.path("verdict").asString()).as(api.toString()).isEqualTo("untrusted");
            assertThat(api.path("intact").asBoolean()).isFalse();
            assertThat(api.path("firstBrokenSeq").isNull()).isTrue();
            assertThat(api.path("untrustedCheckpoints").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(api.path("untrustedKeys").get(0).asString()).startsWith(ownId + " (")
                    .contains(AuditIntegrity.fingerprint(own.getPublic()));
            CommandOutput cli = glasskey("audit", "verify");
            assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(4);
            assertThat(cli.out()).contains("audit log UNTRUSTED").contains(ownId);

            for (Path copy : List.of(webhookCopy, syslogCopy)) {
                CommandOutput caught = glasskey("audit", "verify", "--checkpoints", copy.toString());
                assertThat(caught.exitCode()).as(caught.toString()).isEqualTo(1);
                assertThat(caught.out()).contains("audit log BROKEN at entry " + published.seq() + ": entry " + published.seq()
                        + " differs from the external checkpoint of " + published.signedAt());
            }

            // The writer also removes the stored checkpoints: nothing in the database contradicts the rewritten chain any more.
            jdbc().sql("delete from audit_checkpoint").update();
            JsonNode hidden = admin.http().get("/api/audit/verify").json();
            assertThat(hidden.path("verdict").asString()).as(hidden.toString()).isEqualTo("intact");
            for (Path copy : List.of(webhookCopy, syslogCopy)) {
                CommandOutput caught = glasskey("audit", "verify", "--checkpoints", copy.toString());
                assertThat(caught.exitCode()).as(caught.toString()).isEqualTo(1);
                assertThat(caught.out()).contains("differs from the external checkpoint");
            }
        }
    }
}
