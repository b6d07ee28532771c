package dev.glasskey.oidc;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The SQL Spring's {@code JdbcRegisteredClientRepository} lacks: listing and removing clients. */
@Repository
class ClientStore {
    private final JdbcClient jdbc;

    ClientStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<String> clientIds() {
        return jdbc.sql("select client_id from oauth2_registered_client order by client_id").query(String.class).list();
    }

    /** Removes the client with every authorization (so every token) and consent it holds. */
    int delete(String registeredClientId) {
        jdbc.sql("delete from oauth2_authorization where registered_client_id = :id").param("id", registeredClientId).update();
        jdbc.sql("delete from oidc_client_token where registered_client_id = :id").param("id", registeredClientId).update();
        jdbc.sql("delete from oauth2_authorization_consent where registered_client_id = :id").param("id", registeredClientId).update();
        jdbc.sql("delete from oidc_client_assertion where client_id = (select client_id from oauth2_registered_client where id = :id)")
                .param("id", registeredClientId).update();
        jdbc.sql("delete from oidc_logout_session where client_id = (select client_id from oauth2_registered_client where id = :id)")
                .param("id", registeredClientId).update();
        return jdbc.sql("delete from oauth2_registered_client where id = :id").param("id", registeredClientId).update();
    }

    /** The tokens issued to a client that still work at {@code now}: {@link OidcClient.LiveTokens}. */
    OidcClient.LiveTokens liveTokens(String registeredClientId, java.time.Instant now) {
        long refresh = 0;
        long access = 0;
        var t = dev.glasskey.system.Times.db(now);
        for (var row : jdbc.sql("""
                select refresh_token_expires_at > :t as refresh_live, refresh_token_metadata,
                       access_token_expires_at > :t as access_live, access_token_metadata
                from oauth2_authorization
                where registered_client_id = :id
                  and ((refresh_token_value is not null and refresh_token_expires_at > :t)
                    or (access_token_value is not null and access_token_expires_at > :t))""")
                .param("id", registeredClientId).param("t", t).query().listOfRows()) {
            if (Boolean.TRUE.equals(row.get("refresh_live")) && !invalidated((String) row.get("refresh_token_metadata"))) {
                refresh++;
            }
            if (Boolean.TRUE.equals(row.get("access_live")) && !invalidated((String) row.get("access_token_metadata"))) {
                access++;
            }
        }
        access += jdbc.sql("select count(*) from oidc_client_token where registered_client_id = :id and expires_at > :t and invalidated = false")
                .param("id", registeredClientId).param("t", t).query(Long.class).single();
        return new OidcClient.LiveTokens(refresh, access);
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /** Whether a token's stored metadata says it was revoked. */
    private static boolean invalidated(String metadata) {
        if (metadata == null || metadata.isBlank()) {
            return false;
        }
        return JSON.readTree(metadata).path(org.springframework.security.oauth2.server.authorization.OAuth2Authorization.Token.INVALIDATED_METADATA_NAME)
                .asBoolean(false);
    }

    /**
     * Records a client assertion's jti (hashed) until it expires (RFC 7523 §3 item 7, {@link ClientAssertions}):
     * false when this client presented it before. Its own statement, outside any transaction: the
     * primary key decides between two concurrent presentations, on any node.
     */
    boolean firstAssertion(String clientId, String jtiHash, java.time.Instant expiresAt) {
        try {
            jdbc.sql("insert into oidc_client_assertion (client_id, jti_hash, expires_at) values (:c, :j, :e)")
                    .param("c", clientId).param("j", jtiHash).param("e", dev.glasskey.system.Times.db(expiresAt)).update();
            return true;
        } catch (org.springframework.dao.DuplicateKeyException replay) {
            return false;
        }
    }

    /**
     * Purges authorizations whose every token has expired (the store would otherwise only grow),
     * pushed authorization requests expired unused, and spent assertions.
     */
    int purgeExpired(java.time.Instant before) {
        jdbc.sql("delete from oidc_client_assertion where expires_at < :t").param("t", dev.glasskey.system.Times.db(before)).update();
        int clientTokens = jdbc.sql("delete from oidc_client_token where expires_at < :t")
                .param("t", dev.glasskey.system.Times.db(before)).update();
        // Pushed requests never used (RFC 9126): a state and no token; their expiry is in the state (PushedRequests).
        int pushed = 0;
        for (var row : jdbc.sql("select id, state from oauth2_authorization where state is not null"
                + " and authorization_code_value is null and access_token_value is null and refresh_token_value is null").query().listOfRows()) {
            java.time.Instant expiry = PushedRequests.expiry((String) row.get("state"));
            if (expiry != null && expiry.isBefore(before)) {
                pushed += jdbc.sql("delete from oauth2_authorization where id = :id").param("id", row.get("id")).update();
            }
        }
        return pushed + clientTokens + jdbc.sql("""
                delete from oauth2_authorization
                where (authorization_code_expires_at is null or authorization_code_expires_at < :t)
                  and (access_token_expires_at is null or access_token_expires_at < :t)
                  and (refresh_token_expires_at is null or refresh_token_expires_at < :t)
                  and (oidc_id_token_expires_at is null or oidc_id_token_expires_at < :t)
                  and state is null""")
                .param("t", dev.glasskey.system.Times.db(before)).update();
    }
}
