package dev.glasskey.audit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.TempDirs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash chain detects tampering done directly in the database. Its own context and data
 * directory (no web server), rebuilt for each test, since every test damages the log.
 */
@SpringBootTest(classes = GlasskeyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "glasskey.first-start.enabled=false")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class AuditChainTest {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-audit-").toString());
    }

    @Autowired
    Audit audit;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void fiveEntries() {
        for (int i = 1; i <= 5; i++) {
            audit.record(AuditEvent.success(Actor.SYSTEM, "test.entry", "t" + i, false, "entry " + i));
        }
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
    }

    @Test
    void editedEntryIsNamed() {
        jdbc.sql("update audit_event set detail = 'nothing happened' where target = 't3'").update();
        assertThat(audit.firstBrokenEntry()).isEqualTo(seqOf("t3"));
    }

    @Test
    void deletedEntryIsNamed() {
        long deleted = seqOf("t2");
        jdbc.sql("delete from audit_event where target = 't2'").update();
        assertThat(audit.firstBrokenEntry()).isEqualTo(deleted);
    }

    @Test
    void deletedLastEntryIsCaughtByTheHead() {
        long last = seqOf("t5");
        jdbc.sql("delete from audit_event where target = 't5'").update();
        assertThat(audit.firstBrokenEntry()).isEqualTo(last);
    }

    @Test
    void reorderedEntriesAreNamed() {
        long two = seqOf("t2");
        long three = seqOf("t3");
        jdbc.sql("update audit_event set seq = -1 where seq = :s").param("s", two).update();
        jdbc.sql("update audit_event set seq = :a where seq = :b").param("a", two).param("b", three).update();
        jdbc.sql("update audit_event set seq = :b where seq = -1").param("b", three).update();
        assertThat(audit.firstBrokenEntry()).isEqualTo(two);
    }

    @Test
    void insertedEntryIsNamed() {
        long four = seqOf("t4");
        jdbc.sql("update audit_event set seq = seq + 1000 where seq >= :s").param("s", four).update();
        jdbc.sql("""
                insert into audit_event (seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prev_hash, hash)
                select :s, at, actor, action, 'forged', outcome, reason, emergency, flagged, client, detail, hash, hash from audit_event where seq = :p""")
                .param("s", four).param("p", four - 1).update();
        assertThat(audit.firstBrokenEntry()).isEqualTo(four);
    }

    @Test
    void appendsAfterVerificationKeepTheChainIntact() {
        audit.record(AuditEvent.failure(Actor.ANONYMOUS, "signin", null, "credential.unknown", false, "x"));
        assertThat(audit.firstBrokenEntry()).isEqualTo(-1);
    }

    private long seqOf(String target) {
        return jdbc.sql("select seq from audit_event where target = :t").param("t", target).query(Long.class).single();
    }
}
