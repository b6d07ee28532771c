package dev.glasskey.webauthn;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/** Outstanding challenges. Consumption is a conditional delete: of two racing replays, one wins. */
@Repository
class CeremonyStore {
    private final JdbcClient jdbc;

    CeremonyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Pending(String challenge, String kind, String sessionHash, String requestJson, String enrolmentTokenHash,
                   Instant expiresAt) {}

    void insert(Pending p) {
        jdbc.sql("""
                insert into ceremony (challenge, kind, session_hash, request_json, enrolment_token_hash, expires_at)
                values (:c, :kind, :session, :json, :token, :expires)""")
                .param("c", p.challenge()).param("kind", p.kind()).param("session", p.sessionHash())
                .param("json", p.requestJson()).param("token", p.enrolmentTokenHash())
                .param("expires", Times.db(p.expiresAt())).update();
    }

    Optional<Pending> find(String challenge) {
        return jdbc.sql("select * from ceremony where challenge = :c").param("c", challenge)
                .query((rs, n) -> new Pending(rs.getString("challenge"), rs.getString("kind"), rs.getString("session_hash"),
                        rs.getString("request_json"), rs.getString("enrolment_token_hash"),
                        Times.instant(rs.getObject("expires_at", OffsetDateTime.class))))
                .optional();
    }

    /** True only for the one caller that removed the row. */
    boolean consume(String challenge, String sessionHash) {
        return jdbc.sql("delete from ceremony where challenge = :c and session_hash = :s")
                .param("c", challenge).param("s", sessionHash).update() == 1;
    }

    /** Removes all but the {@code keep} newest outstanding challenges of one enrolment link. */
    void keepNewest(String enrolmentTokenHash, int keep) {
        java.util.List<String> newestFirst = jdbc.sql("select challenge from ceremony where enrolment_token_hash = :t order by expires_at desc")
                .param("t", enrolmentTokenHash).query(String.class).list();
        for (String challenge : newestFirst.subList(Math.min(keep, newestFirst.size()), newestFirst.size())) {
            jdbc.sql("delete from ceremony where challenge = :c").param("c", challenge).update();
        }
    }

    int purgeExpired(Instant now) {
        return jdbc.sql("delete from ceremony where expires_at < :now").param("now", Times.db(now)).update();
    }
}
