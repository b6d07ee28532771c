package db.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Look up access, ID and refresh tokens by their SHA-256 instead of by their whole value
 * (oidc/AuthorizationStore).
 *
 * <p>V4 indexed the token columns themselves. An access or ID token is a JWT of about a
 * kilobyte, so each entry of those indexes was a kilobyte too, and a refresh — which replaces all
 * three tokens — re-wrote three such index entries in random places of three big trees on every
 * grant: on embedded H2 about 5 % of a refresh's CPU (docs/PERFORMANCE.md, "OpenID Connect token
 * endpoint"). The hash (base64url, 43 characters) is what the index holds now; the look-up still
 * compares the whole value as well, so the hash only narrows the search.
 *
 * <p>A Java migration because rows stored before it need their hashes computed (the same function
 * as the store's, which H2 and PostgreSQL SQL would spell differently): refresh tokens issued
 * before an upgrade keep working.
 */
public class V8__oauth2_token_hashes extends BaseJavaMigration {
    private static final String[] KINDS = {"access_token", "oidc_id_token", "refresh_token"};

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            for (String kind : KINDS) {
                st.execute("alter table oauth2_authorization add column " + kind + "_hash varchar(43)");
            }
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, access_token_value, oidc_id_token_value, refresh_token_value from oauth2_authorization");
             PreparedStatement update = c.prepareStatement(
                     "update oauth2_authorization set access_token_hash = ?, oidc_id_token_hash = ?, refresh_token_hash = ? where id = ?")) {
            while (rs.next()) {
                for (int i = 0; i < KINDS.length; i++) {
                    update.setString(i + 1, hash(rs.getString(i + 2)));
                }
                update.setString(4, rs.getString(1));
                update.executeUpdate();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("create index oauth2_authorization_access_hash on oauth2_authorization (access_token_hash)");
            st.execute("create index oauth2_authorization_id_token_hash on oauth2_authorization (oidc_id_token_hash)");
            st.execute("create index oauth2_authorization_refresh_hash on oauth2_authorization (refresh_token_hash)");
            st.execute("drop index oauth2_authorization_access");
            st.execute("drop index oauth2_authorization_id_token");
            st.execute("drop index oauth2_authorization_refresh");
        }
    }

    /** Must equal {@code dev.glasskey.oidc.AuthorizationStore.hash} (a test checks both). */
    static String hash(String token) throws NoSuchAlgorithmException {
        if (token == null || token.isEmpty()) return null;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
