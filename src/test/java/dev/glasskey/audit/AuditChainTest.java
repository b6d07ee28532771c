package dev.glasskey.audit;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ServerKeys;
import dev.glasskey.testing.AuditTampering;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.TempDirs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash chain and its signed checkpoints detect tampering done directly in the database,
 * through all three ways of verifying: the service (as {@code GET /api/audit/verify}), the
 * command line on the database, and the command line on an export. Its own context and data
 * directory (no web server); every test damages the log, so each starts from an empty log.
 */
@SpringBootTest(classes = GlasskeyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "glasskey.first-start.enabled=false")
@DirtiesContext
class AuditChainTest {
    private static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        Path dir = TempDirs.create("glasskey-audit-");
        dataDir = dir;
        registry.add("glasskey.data-dir", dir::toString);
    }

    @Autowired
    Audit audit;
    @Autowired
    AuditIntegrity integrity;
    @Autowired
    ServerKeys serverKeys;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RefusalFlush refusalFlush;

    @BeforeEach
    void fiveEntriesAndACheckpoint() {
        refusalFlush.flush(java.time.Instant.parse("9000-01-01T00:00:00Z")); // refusals another test counted
        jdbc.sql("delete from audit_event").update();
        jdbc.sql("delete from audit_checkpoint").update();
        jdbc.sql("delete from audit_tally").update();
        jdbc.sql("update audit_head set seq = 0, hash = :h where id = 1").param("h", AuditChain.GENESIS).update();
        for (int i = 1; i <= 5; i++) {
            audit.record(AuditEvent.success(Actor.SYSTEM, "test.entry", "t" + i, false, "entry " + i + (i == 3 ? " – ünïcödé" : "")));
        }
        assertThat(integrity.checkpoint()).isPresent();
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
    }

    @Test
    void intactLogVerifiesEverywhereWithProgress() throws Exception {
        AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
        assertThat(v.intact()).isTrue();
        assertThat(integrity.verifyDatabase(n -> { }, 0, 2)).as("in two halves").isEqualTo(v);
        for (long middle = 1; middle <= 4; middle++) {
            assertThat(integrity.verifyDatabaseSplitAt(middle)).as("split after " + middle).isEqualTo(v);
        }
        assertThat(v.checkpoints()).isEqualTo(1);
        assertThat(v.lastCheckpointSeq()).isEqualTo(seqOf("t5"));
        assertThat(integrity.checkpoint()).as("nothing new to sign").isEmpty();

        CommandOutput cli = verifyDatabaseWithCli("--progress-every", "2");
        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        assertThat(cli.out()).contains("audit log intact").contains("1 signed checkpoints verified");
        assertThat(cli.err()).as("progress on stderr").contains("verified 2 entries").contains("verified 4 entries");

        Path export = dataDir.resolve("export.jsonl");
        CommandOutput exported = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "export", "--data-dir", dataDir.toString(),
                "--output", export.toString()));
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(Files.readAllLines(export)).first().asString().contains("\"type\":\"header\"");
        assertThat(Files.readString(export)).contains("\"type\":\"checkpoint\"").contains("\"type\":\"key\"").contains("ünïcödé");

        Path key = dataDir.resolve("audit-key.pem");
        Files.writeString(key, serverKeys.publicKeys(ServerKeys.AUDIT_SIGNING).values().iterator().next());
        CommandOutput offline = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", export.toString(),
                "--trusted-key", key.toString()));
        assertThat(offline.exitCode()).as(offline.toString()).isZero();
        assertThat(offline.out()).contains("audit log intact").contains("checkpoint key audit-signing-");

        // The streaming reader and the two-segment file walk give the database's answer, wherever the seam falls.
        List<String> sequentialKeys = new ArrayList<>();
        AuditVerification sequential = AuditIntegrity.verifyExport(new StringReader(Files.readString(export)), integrity.pinned(), List.of(), sequentialKeys, n -> { }, 0);
        assertThat(sequential).isEqualTo(v);
        List<Long> progressed = new ArrayList<>();
        assertThat(AuditIntegrity.verifyExport(export, integrity.pinned(), List.of(), new ArrayList<>(), n -> progressed.add(n), 2)).isEqualTo(v);
        for (long split : entryLineStarts(export)) {
            List<String> keys = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            assertThat(ExportWalk.verify(export, integrity.pinned(), List.of(), keys, n -> { synchronized (seen) { seen.add(n); } }, 2, split))
                    .as("file split at byte " + split).isEqualTo(v);
            assertThat(keys).isEqualTo(sequentialKeys);
            assertThat(seen).as("progress counts both segments").contains(2L, 4L);
        }
    }

    @Test
    void everyFieldIsClippedToItsColumnAndCleanedBeforeItIsHashed() throws Exception {
        String hostile = "\u0000\r\n\u001B[31m\u202E\uFEFF\uD800";
        AuditEntry entry = audit.record(AuditEvent.success(new Actor("a".repeat(500) + hostile, "n"), "act." + "x".repeat(100),
                "t".repeat(199) + "\uD83D\uDE00" + "t", true, hostile + "d".repeat(5000)));
        AuditEntry stored = jdbc.sql("select * from audit_event where seq = :s").param("s", entry.seq())
                .query((rs, n) -> new AuditEntry(rs.getLong("seq"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("outcome"), rs.getString("reason"),
                        rs.getBoolean("emergency"), rs.getBoolean("flagged"), rs.getString("client"), rs.getString("detail"),
                        rs.getString("prev_hash"), rs.getString("hash"))).single();
        // What was hashed is what is stored, field for field.
        assertThat(stored).isEqualTo(entry);
        assertThat(stored.actor()).hasSize(200).startsWith("a".repeat(199)).endsWith("…");
        assertThat(stored.action()).hasSize(64).endsWith("…");
        // Cut before the emoji rather than through it: no half of a surrogate pair is stored.
        assertThat(stored.target()).isEqualTo("t".repeat(199) + "…");
        assertThat(stored.detail()).hasSize(2000).startsWith("????[31m???d");
        for (String field : List.of(stored.actor(), stored.action(), stored.target(), stored.detail())) {
            assertThat(field.codePoints()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SURROGATE);
        }
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
        Path export = dataDir.resolve("bounded.jsonl");
        assertThat(CommandOutput.capture(() -> GlasskeyCommand.run("audit", "export", "--data-dir", dataDir.toString(),
                "--output", export.toString())).exitCode()).isZero();
        assertThat(AuditIntegrity.verifyExport(export, integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0).intact()).isTrue();
    }

    @Test
    void anonymousRefusalsAreCountedAndWrittenAsOneEntryPerWindow() {
        long head = seqOf("t5");
        for (int i = 0; i < 50; i++) {
            assertThat(audit.record(AuditEvent.failure(Actor.ANONYMOUS, "signin", null, i % 5 == 0 ? "credential.unknown" : "ceremony.challenge_unknown",
                    false, "attempt " + i))).as("counted, not appended").isNull();
        }
        // Refusals that name something, or that are flagged, are entries of their own.
        assertThat(audit.record(AuditEvent.failure(Actor.ANONYMOUS, "signin", "an-account", "assertion.signature_invalid", false, "named"))).isNotNull();
        assertThat(audit.record(AuditEvent.failure(Actor.ANONYMOUS, "signin", null, "credential.counter_regression", false, "x").flag())).isNotNull();
        assertThat(jdbc.sql("select max(seq) from audit_event").query(Long.class).single()).isEqualTo(head + 2);

        assertThat(refusalFlush.flush(java.time.Instant.parse("9000-01-01T00:00:00Z"))).isEqualTo(1);
        AuditEntry aggregated = audit.latest(1).get(0);
        assertThat(aggregated.seq()).isEqualTo(head + 3);
        assertThat(aggregated).extracting(AuditEntry::actor, AuditEntry::action, AuditEntry::outcome, AuditEntry::reason, AuditEntry::target)
                .containsExactly("anonymous (not signed in)", "signin", "failure", "ceremony.challenge_unknown", null);
        assertThat(aggregated.detail()).startsWith("{\"refusals\":50,").contains("\"codes\":{\"ceremony.challenge_unknown\":40,\"credential.unknown\":10}")
                .contains("\"sample\":\"attempt ");
        assertThat(jdbc.sql("select count(*) from audit_tally").query(Long.class).single()).isZero();
        assertThat(refusalFlush.flush(java.time.Instant.parse("9000-01-01T00:00:00Z"))).as("nothing left to write").isZero();
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
    }

    @Test
    void exportsThatAreNotOneObjectPerLineAreRefused() throws Exception {
        StringWriter out = new StringWriter();
        integrity.export(out, n -> { }, 0);
        String export = out.toString();
        String[] lines = export.split("\n");
        String twoOnOneLine = export.replace(lines[lines.length - 2] + "\n", lines[lines.length - 2]);
        String cutShort = export.substring(0, export.length() - 20);
        String checkpointAmongEntries = export + java.util.Arrays.stream(lines).filter(l -> l.contains("\"type\":\"checkpoint\"")).findFirst().orElseThrow() + "\n";
        String unknownType = export + "{\"type\":\"surprise\"}\n";
        Path file = dataDir.resolve("bad.jsonl");
        for (String bad : List.of(twoOnOneLine, cutShort, checkpointAmongEntries, unknownType)) {
            String sequential = formatError(() -> AuditIntegrity.verifyExport(new StringReader(bad), integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0));
            assertThat(sequential).isNotNull();
            Files.writeString(file, bad);
            for (long split : entryLineStarts(file)) {
                assertThat(formatError(() -> ExportWalk.verify(file, integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0, split)))
                        .as("split at " + split).isEqualTo(sequential);
            }
        }
        // An unbroken export with blank lines and spaces between its lines still verifies.
        String spaced = export.replace("\n", "\n  \n");
        assertThat(AuditIntegrity.verifyExport(new StringReader(spaced), integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0).intact()).isTrue();
    }

    @Test
    void instantsAreWrittenAsInstantToString() {
        for (String s : List.of("2026-11-25T09:48:51Z", "2026-11-25T09:48:51.400Z", "2026-11-25T09:48:51.405530Z",
                "2026-11-25T09:48:51.000000001Z", "2026-01-01T00:00:00.010Z", "1999-12-31T23:59:59.999999999Z",
                "0999-01-01T00:00:00.5Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z")) {
            java.time.Instant i = java.time.Instant.parse(s);
            assertThat(AuditChain.instantText(i.atOffset(java.time.ZoneOffset.UTC))).isEqualTo(i.toString());
            assertThat(AuditChain.instantText(i.atOffset(java.time.ZoneOffset.ofHoursMinutes(5, 30)))).isEqualTo(i.toString());
        }
        java.util.Random random = new java.util.Random(5);
        for (int n = 0; n < 10_000; n++) {
            int nano = random.nextInt(1_000_000_000);
            nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> nano / 1_000_000 * 1_000_000;
                case 2 -> nano / 1000 * 1000;
                default -> nano;
            };
            java.time.Instant i = java.time.Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 8_000_000_000L), nano);
            assertThat(AuditChain.instantText(i.atOffset(java.time.ZoneOffset.UTC))).isEqualTo(i.toString());
        }
        assertThat(AuditChain.instantText(null)).isNull();
    }

    @Test
    void editedEntryIsNamed() {
        jdbc.sql("update audit_event set detail = 'nothing happened' where target = 't3'").update();
        assertBrokenAt(seqOf("t3"), "was edited");
    }

    @Test
    void deletedEntryIsNamed() {
        long deleted = seqOf("t2");
        jdbc.sql("delete from audit_event where target = 't2'").update();
        assertBrokenAt(deleted, "missing");
    }

    @Test
    void deletedLastEntryIsCaughtByTheHead() {
        long last = seqOf("t5");
        jdbc.sql("delete from audit_event where target = 't5'").update();
        assertBrokenAt(last, "missing");
    }

    @Test
    void reorderedEntriesAreNamed() {
        long two = seqOf("t2");
        long three = seqOf("t3");
        jdbc.sql("update audit_event set seq = -1 where seq = :s").param("s", two).update();
        jdbc.sql("update audit_event set seq = :a where seq = :b").param("a", two).param("b", three).update();
        jdbc.sql("update audit_event set seq = :b where seq = -1").param("b", three).update();
        assertBrokenAt(two, "does not link");
    }

    @Test
    void insertedEntryIsNamed() {
        long four = seqOf("t4");
        jdbc.sql("update audit_event set seq = seq + 1000 where seq >= :s").param("s", four).update();
        jdbc.sql("""
                insert into audit_event (seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prev_hash, hash)
                select :s, at, actor, action, 'forged', outcome, reason, emergency, flagged, client, detail, hash, hash from audit_event where seq = :p""")
                .param("s", four).param("p", four - 1).update();
        assertBrokenAt(four, "was edited");
    }

    /**
     * Someone with write access to the database edits entry 2 and recomputes every later hash
     * and the head: the chain is consistent again, but it no longer matches what the server signed.
     */
    @Test
    void rewrittenChainIsCaughtByTheSignedCheckpoint() {
        AuditTampering.rewriteChainFrom(jdbc, "t2");
        assertBrokenAt(seqOf("t5"), "signed checkpoint");
    }

    @Test
    void forgedCheckpointSignatureIsCaught() {
        long five = seqOf("t5");
        jdbc.sql("update audit_checkpoint set signature = :s where seq = :seq")
                .param("s", java.util.Base64.getEncoder().encodeToString(new byte[70])).param("seq", five).update();
        assertBrokenAt(five, "does not verify");
    }

    @Test
    void truncatedLogWithHeadMovedBackIsCaughtByTheCheckpoint() {
        long four = seqOf("t4");
        String hashOfThree = jdbc.sql("select hash from audit_event where seq = :s").param("s", four - 1).query(String.class).single();
        jdbc.sql("delete from audit_event where seq >= :s").param("s", four).update();
        jdbc.sql("update audit_head set seq = :s, hash = :h where id = 1").param("s", four - 1).param("h", hashOfThree).update();
        assertBrokenAt(four, "signed checkpoint names entry");
    }

    @Test
    void anExportCheckedAgainstAnotherKeyIsUntrusted() throws Exception {
        StringWriter export = new StringWriter();
        integrity.export(export, n -> { }, 0);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        PinnedKeys other = new PinnedKeys("another key", List.of(g.generateKeyPair().getPublic()), null);
        AuditVerification v = AuditIntegrity.verifyExport(new StringReader(export.toString()), other, List.of(), new ArrayList<>(), n -> { }, 0);
        assertThat(v.intact()).isFalse();
        assertThat(v.verdict()).isEqualTo(AuditVerification.UNTRUSTED);
        assertThat(v.firstBrokenSeq()).isNull();
        assertThat(v.untrustedCheckpoints()).isEqualTo(1);
        assertThat(v.problem()).contains("not pinned in another key").contains(activeKeyId());
        // With no pinned key at all, the keys the export names prove nothing either.
        AuditVerification none = AuditIntegrity.verifyExport(new StringReader(export.toString()), PinnedKeys.none("nowhere", "no such file"),
                List.of(), new ArrayList<>(), n -> { }, 0);
        assertThat(none.verdict()).isEqualTo(AuditVerification.UNTRUSTED);
        assertThat(none.problem()).contains("nowhere (no such file)");
    }

    /**
     * Issue 14: a database writer rewrites entry 2, recomputes the chain and the head, makes a key
     * pair of their own, inserts its public key as the active audit-signing key and re-signs the
     * checkpoint with it. Against the keys in the database everything verifies; against the keys
     * pinned outside it the checkpoint is untrusted — in the service (GET /api/audit/verify), the
     * command line on the database, and on an export, with or without --trusted-key.
     */
    @Test
    void aChainReSignedWithTheWritersOwnKeyIsUntrusted() throws Exception {
        ServerKeys.SigningKey genuine = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        java.security.KeyPair forged = AuditTampering.ecKeyPair();
        String forgedId = "audit-signing-forged" + System.nanoTime();
        AuditTampering.rewriteChainFrom(jdbc, "t2");
        AuditTampering.reSignCheckpoints(jdbc, forged, forgedId);
        try {
            // What verification did before issue 14 (the database's own keys): all consistent.
            PinnedKeys databaseKeys = new PinnedKeys("the database", List.of(forged.getPublic(), genuine.publicKey()), null);
            assertThat(integrity.verifyDatabase(databaseKeys, List.of(), n -> { }, 0).intact()).isTrue();

            AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
            assertThat(v.verdict()).as(v.toString()).isEqualTo(AuditVerification.UNTRUSTED);
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBrokenSeq()).isNull();
            assertThat(v.checkpoints()).isZero();
            assertThat(v.untrustedCheckpoints()).isEqualTo(1);
            assertThat(v.untrustedKeys()).singleElement().asString().startsWith(forgedId + " (")
                    .contains(AuditIntegrity.fingerprint(forged.getPublic()));
            assertThat(v.problem()).contains("not pinned in " + dataDir.resolve("audit-trusted-keys.pem"));
            assertThat(audit.firstBrokenEntry()).as("no entry is broken: the chain holds together").isEqualTo(-1);
            for (long middle = 1; middle <= 4; middle++) {
                assertThat(integrity.verifyDatabaseSplitAt(middle)).as("split after " + middle).isEqualTo(v);
            }

            CommandOutput cli = verifyDatabaseWithCli();
            assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(4);
            assertThat(cli.out()).contains("audit log UNTRUSTED").contains(forgedId).contains("trusting 1 pinned key(s)")
                    .contains(AuditIntegrity.fingerprint(genuine.publicKey()));

            Path export = dataDir.resolve("forged.jsonl");
            CommandOutput exported = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "export", "--data-dir", dataDir.toString(),
                    "--output", export.toString()));
            assertThat(exported.exitCode()).as(exported.toString()).isZero();
            CommandOutput offline = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", export.toString(),
                    "--data-dir", dataDir.toString()));
            assertThat(offline.exitCode()).as(offline.toString()).isEqualTo(4);
            assertThat(offline.out()).contains("audit log UNTRUSTED").contains("checkpoint key " + forgedId);
            Path kept = dataDir.resolve("kept-elsewhere.pem");
            Files.copy(dataDir.resolve("audit-trusted-keys.pem"), kept);
            CommandOutput withKey = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", export.toString(),
                    "--trusted-key", kept.toString()));
            assertThat(withKey.exitCode()).as(withKey.toString()).isEqualTo(4);
            // The writer's key given as trusted is believed: the operator chooses what to pin.
            Path forgedPem = dataDir.resolve("forged.pem");
            Files.writeString(forgedPem, AuditTampering.pem(forged.getPublic()));
            CommandOutput believed = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", export.toString(),
                    "--trusted-key", forgedPem.toString()));
            assertThat(believed.exitCode()).as(believed.toString()).isZero();
        } finally {
            jdbc.sql("delete from server_key where id = :id").param("id", forgedId).update();
            jdbc.sql("update server_key set status = 'active' where id = :id").param("id", genuine.id()).update();
        }
    }

    /** The writer replaces the public key of the genuine key row itself: the checkpoint keeps its key id, and is still untrusted. */
    @Test
    void aReplacedPublicKeyRowIsUntrusted() throws Exception {
        ServerKeys.SigningKey genuine = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        String genuinePem = jdbc.sql("select public_pem from server_key where id = :id").param("id", genuine.id()).query(String.class).single();
        java.security.KeyPair forged = AuditTampering.ecKeyPair();
        AuditTampering.rewriteChainFrom(jdbc, "t3");
        AuditCheckpoint stored = integrity.checkpoints().get(0);
        String head = jdbc.sql("select hash from audit_head where id = 1").query(String.class).single();
        jdbc.sql("update server_key set public_pem = :p where id = :id").param("p", AuditTampering.pem(forged.getPublic())).param("id", genuine.id()).update();
        jdbc.sql("update audit_checkpoint set head_hash = :h, signature = :sig where seq = :s").param("h", head)
                .param("sig", AuditTampering.sign(new AuditCheckpoint(stored.seq(), head, stored.signedAt(), genuine.id(), null), forged))
                .param("s", stored.seq()).update();
        try {
            AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
            assertThat(v.verdict()).as(v.toString()).isEqualTo(AuditVerification.UNTRUSTED);
            assertThat(v.untrustedKeys()).singleElement().asString().contains(genuine.id())
                    .contains(AuditIntegrity.fingerprint(forged.getPublic()));
            CommandOutput cli = verifyDatabaseWithCli();
            assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(4);
        } finally {
            jdbc.sql("update server_key set public_pem = :p where id = :id").param("p", genuinePem).param("id", genuine.id()).update();
        }
    }

    /** A stored checkpoint whose key row was deleted still verifies with the pinned key. */
    @Test
    void aDeletedKeyRowDoesNotMakeAPinnedCheckpointUntrusted() {
        ServerKeys.SigningKey genuine = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        String id = genuine.id();
        var row = jdbc.sql("select * from server_key where id = :id").param("id", id).query().singleRow();
        jdbc.sql("delete from server_key where id = :id").param("id", id).update();
        try {
            AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
            assertThat(v.verdict()).as(v.toString()).isEqualTo(AuditVerification.INTACT);
            assertThat(v.checkpoints()).isEqualTo(1);
        } finally {
            jdbc.sql("insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at) values (:id, :p, :a, :pr, :pu, :s, :c)")
                    .param("id", id).param("p", row.get("PURPOSE")).param("a", row.get("ALGORITHM")).param("pr", row.get("PRIVATE_PEM"))
                    .param("pu", row.get("PUBLIC_PEM")).param("s", row.get("STATUS")).param("c", row.get("CREATED_AT")).update();
        }
    }

    /**
     * {@code glasskey audit rotate-key}: the head is signed with the old key, a new key is made and
     * appended to the pinned file, and checkpoints of both keys verify; the rotation is audited.
     */
    @Test
    void aRotatedKeyIsAppendedToThePinnedFileAndBothKeysVerify() throws Exception {
        ServerKeys.SigningKey before = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        audit.record(AuditEvent.success(Actor.SYSTEM, "test.entry", "t6", false, "before the rotation"));
        CommandOutput rotated = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "rotate-key", "--data-dir", dataDir.toString()));
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        ServerKeys.SigningKey after = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        assertThat(after.id()).isNotEqualTo(before.id());
        assertThat(rotated.out()).contains(after.id()).contains(AuditIntegrity.fingerprint(after.publicKey()));
        PinnedKeys pinned = PinnedKeys.read(dataDir.resolve("audit-trusted-keys.pem"));
        assertThat(pinned.pins(before.publicKey())).isTrue();
        assertThat(pinned.pins(after.publicKey())).isTrue();
        assertThat(jdbc.sql("select status from server_key where id = :id").param("id", before.id()).query(String.class).single()).isEqualTo("retired");
        assertThat(integrity.checkpoints()).extracting(AuditCheckpoint::keyId).containsExactly(before.id(), before.id());
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'audit.key_rotate' and flagged = true and target = :t")
                .param("t", after.id()).query(Long.class).single()).isEqualTo(1);
        assertThat(integrity.checkpoint()).get().extracting(AuditCheckpoint::keyId).isEqualTo(after.id());
        AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
        assertThat(v.verdict()).as(v.toString()).isEqualTo(AuditVerification.INTACT);
        assertThat(v.checkpoints()).isEqualTo(3);
        CommandOutput cli = verifyDatabaseWithCli();
        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        assertThat(cli.out()).contains("trusting 2 pinned key(s)");
    }

    /** A checkpoint copy that is not one JSON object per line, or whose checkpoint lacks a field, is refused (exit 3), naming the line. */
    @Test
    void unreadableCheckpointCopiesExitWithThree() throws Exception {
        String good = ExternalCheckpoints.line(integrity.checkpoints().get(0));
        Path copy = dataDir.resolve("copy.jsonl");
        List<java.util.Map.Entry<String, String>> bad = new ArrayList<>();
        bad.add(java.util.Map.entry("not JSON", good + "\n{not json\n"));
        bad.add(java.util.Map.entry("not a JSON object", good + "\n[1, 2]\n"));
        bad.add(java.util.Map.entry("'checkpoint' is not an object", "{\"checkpoint\": 5}\n"));
        bad.add(java.util.Map.entry("checkpoint.seq is not a positive integer", good.replaceFirst("\"seq\":\\d+", "\"seq\":\"5\"")));
        bad.add(java.util.Map.entry("checkpoint.seq is not a positive integer", good.replaceFirst("\"seq\":\\d+", "\"seq\":-1")));
        bad.add(java.util.Map.entry("checkpoint.hash is not 64 hex digits", good.replaceFirst("\"hash\":\"[0-9a-f]+\"", "\"hash\":\"abc\"")));
        bad.add(java.util.Map.entry("checkpoint.signedAt is not an RFC 3339 time", good.replaceFirst("\"signedAt\":\"[^\"]+\"", "\"signedAt\":\"yesterday\"")));
        bad.add(java.util.Map.entry("checkpoint.keyId is missing", good.replaceFirst(",\"keyId\":\"[^\"]+\"", "")));
        bad.add(java.util.Map.entry("checkpoint.signature is missing or not a string", good.replaceFirst("\"signature\":\"[^\"]+\"", "\"signature\":null")));
        bad.add(java.util.Map.entry("holds no checkpoint", "{\"text\": \"an alert, not a checkpoint\"}\n"));
        String before = stateOfTheLog();
        for (var e : bad) {
            Files.writeString(copy, e.getValue());
            CommandOutput out = verifyDatabaseWithCli("--checkpoints", copy.toString());
            assertThat(out.exitCode()).as(e.getKey() + ": " + out).isEqualTo(3);
            assertThat(out.err()).as(e.getKey()).contains(e.getKey());
        }
        CommandOutput missing = verifyDatabaseWithCli("--checkpoints", dataDir.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("No such file");
        assertThat(stateOfTheLog()).isEqualTo(before);

        // Blank lines and alerts received on the same channel are skipped; the checkpoint is matched.
        Files.writeString(copy, "\n{\"text\": \"an alert\"}\n" + good + "\n\n");
        CommandOutput ok = verifyDatabaseWithCli("--checkpoints", copy.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("1 external checkpoints matched");
    }

    /** An external copy catches a rewritten chain even after the writer deleted every stored checkpoint. */
    @Test
    void anExternalCopyCatchesARewrittenChainWhoseCheckpointsWereDeleted() throws Exception {
        AuditCheckpoint published = integrity.checkpoints().get(0);
        Path copy = dataDir.resolve("external.jsonl");
        Files.writeString(copy, ExternalCheckpoints.line(published) + "\n");
        AuditTampering.rewriteChainFrom(jdbc, "t2");
        jdbc.sql("delete from audit_checkpoint").update();
        assertThat(integrity.verifyDatabase(n -> { }, 0).intact()).as("nothing in the database contradicts it").isTrue();

        CommandOutput cli = verifyDatabaseWithCli("--checkpoints", copy.toString());
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.out()).contains("audit log BROKEN at entry " + published.seq()).contains("the external checkpoint of " + published.signedAt());
        Path export = dataDir.resolve("rewritten.jsonl");
        StringWriter out = new StringWriter();
        integrity.export(out, n -> { }, 0);
        Files.writeString(export, out.toString());
        CommandOutput offline = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", export.toString(),
                "--data-dir", dataDir.toString(), "--checkpoints", copy.toString()));
        assertThat(offline.exitCode()).as(offline.toString()).isEqualTo(1);
        assertThat(offline.out()).contains("the external checkpoint of");
    }

    @Test
    void appendsAfterVerificationKeepTheChainIntact() {
        audit.record(AuditEvent.failure(Actor.ANONYMOUS, "signin", "an-account", "assertion.signature_invalid", false, "x"));
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
        assertThat(integrity.checkpoint()).isPresent();
        assertThat(integrity.verifyDatabase(n -> { }, 0).checkpoints()).isEqualTo(2);
    }

    @Test
    void unreadableSourcesExitWithThree() {
        CommandOutput missing = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--file", dataDir.resolve("nope.jsonl").toString()));
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(3);
        CommandOutput usage = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "verify", "--no-such-option"));
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
    }

    /** All three verifiers name the same first broken entry. */
    private void assertBrokenAt(long seq, String problem) {
        AuditVerification service = integrity.verifyDatabase(n -> { }, 0);
        assertThat(service.intact()).isFalse();
        assertThat(service.firstBrokenSeq()).as(service.problem()).isEqualTo(seq);
        assertThat(service.problem()).contains(problem);
        assertThat(audit.firstBrokenEntry()).isEqualTo(seq);
        for (long split = 2; split <= 5; split++) {
            // Long logs are verified as two halves on two threads: same answer wherever the seam falls.
            AuditVerification halves = integrity.verifyDatabaseSplitAt(split - 1);
            assertThat(halves.firstBrokenSeq()).as("two halves: " + halves.problem()).isEqualTo(seq);
        }

        CommandOutput cli = verifyDatabaseWithCli();
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.out()).contains("audit log BROKEN at entry " + seq + ":");

        StringWriter export = new StringWriter();
        integrity.export(export, n -> { }, 0);
        List<String> keys = new ArrayList<>();
        AuditVerification offline = AuditIntegrity.verifyExport(new StringReader(export.toString()), integrity.pinned(), List.of(), keys, n -> { }, 0);
        assertThat(offline.intact()).isFalse();
        assertThat(offline.firstBrokenSeq()).as(offline.problem()).isEqualTo(seq);
        assertThat(offline.problem()).isEqualTo(service.problem());

        // Long export files are read as two segments on two threads: the same answer wherever the seam falls.
        Path file = dataDir.resolve("broken.jsonl");
        try {
            Files.writeString(file, export.toString());
            for (long split : entryLineStarts(file)) {
                assertThat(ExportWalk.verify(file, integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0, split)).as("file split at byte " + split)
                        .isEqualTo(offline);
            }
            assertThat(AuditIntegrity.verifyExport(file, integrity.pinned(), List.of(), new ArrayList<>(), n -> { }, 0)).isEqualTo(offline);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Byte offsets of the entry lines of an export file. */
    private static List<Long> entryLineStarts(Path file) throws java.io.IOException {
        byte[] b = Files.readAllBytes(file);
        byte[] entry = "{\"type\":\"entry\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i + entry.length <= b.length; i++) {
            if ((i == 0 || b[i - 1] == '\n') && java.util.Arrays.equals(b, i, i + entry.length, entry, 0, entry.length)) {
                starts.add((long) i);
            }
        }
        assertThat(starts).isNotEmpty();
        return starts;
    }

    /** The format error's message, or null when the export was read. */
    private static String formatError(java.util.concurrent.Callable<AuditVerification> verify) throws Exception {
        try {
            verify.call();
            return null;
        } catch (AuditIntegrity.ExportFormatException e) {
            return e.getMessage();
        }
    }

    private CommandOutput verifyDatabaseWithCli(String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "verify", "--data-dir", dataDir.toString()));
        args.addAll(List.of(more));
        return CommandOutput.capture(() -> GlasskeyCommand.run(args.toArray(String[]::new)));
    }

    private String stateOfTheLog() {
        return jdbc.sql("select seq, hash from audit_event order by seq").query().listOfRows().toString()
                + jdbc.sql("select * from audit_checkpoint order by seq").query().listOfRows()
                + jdbc.sql("select id, status, public_pem from server_key order by id").query().listOfRows();
    }

    private String activeKeyId() {
        return serverKeys.signingKey(ServerKeys.AUDIT_SIGNING).id();
    }

    private long seqOf(String target) {
        return jdbc.sql("select seq from audit_event where target = :t").param("t", target).query(Long.class).single();
    }
}
