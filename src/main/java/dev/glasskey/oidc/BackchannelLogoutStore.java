package dev.glasskey.oidc;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/** {@code oidc_logout_session} (V18): which relying parties with a back-channel logout URI received tokens in which session. */
@Repository
class BackchannelLogoutStore {
    private final JdbcClient jdbc;

    BackchannelLogoutStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One (session, client) pair that received tokens, and whose account the session is. */
    record Tracked(String sid, String clientId, String accountId) {}

    /** Records an authorization made by a code exchange in session {@code sid} (in the grant's transaction). */
    void track(String authorizationId, String sid, String clientId, String accountId, Instant at) {
        jdbc.sql("insert into oidc_logout_session (authorization_id, sid, client_id, account_id, created_at) values (:a, :s, :c, :acc, :at)")
                .param("a", authorizationId).param("s", sid).param("c", clientId).param("acc", accountId).param("at", Times.db(at))
                .update();
    }

    List<Tracked> tracked() {
        return jdbc.sql("select distinct sid, client_id, account_id from oidc_logout_session")
                .query((rs, n) -> new Tracked(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /** The authorizations (code exchanges) a client made in session {@code sid}. */
    List<String> authorizations(String sid, String clientId) {
        return jdbc.sql("select authorization_id from oidc_logout_session where sid = :s and client_id = :c")
                .param("s", sid).param("c", clientId).query(String.class).list();
    }

    /**
     * Forgets a pair; returns how many authorizations it had. Zero means another run (or node)
     * took it first: the conditional delete is what makes one logout token per pair.
     */
    int untrack(String sid, String clientId) {
        return jdbc.sql("delete from oidc_logout_session where sid = :s and client_id = :c").param("s", sid).param("c", clientId).update();
    }
}
