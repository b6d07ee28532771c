package dev.glasskey.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import dev.glasskey.testing.Postgres;

/**
 * V8 (db.migration.V8__oauth2_token_hashes) on a database that already holds authorizations:
 * each row gets the hashes {@link AuthorizationStore} looks its tokens up by, so refresh tokens
 * issued before an upgrade keep working; rows without tokens get none; the whole-value indexes
 * are gone and the hash indexes are there. On H2 (file) and PostgreSQL.
 */
class TokenHashMigrationTest {
    private static final String ACCESS = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
    private static final String ID_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiIn0.b3RoZXI";
    private static final String REFRESH = "r".repeat(128);

    @Test
    void h2RowsStoredBeforeTheMigrationAreFoundByHash(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("glasskey") + ";WRITE_DELAY=0";
        migrateWithRowsBetween(url, "glasskey", "public");
    }

    @Test
    @EnabledIf(value = "dev.glasskey.testing.Postgres#available", disabledReason = "no PostgreSQL server on 127.0.0.1:5432")
    void postgresRowsStoredBeforeTheMigrationAreFoundByHash() throws Exception {
        String schema = Postgres.freshSchema();
        migrateWithRowsBetween(Postgres.URL + "?currentSchema=" + schema, Postgres.USER, schema);
    }

    private static void migrateWithRowsBetween(String url, String user, String schema) throws Exception {
        Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").target("7").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement st = c.createStatement()) {
                st.execute("insert into oauth2_registered_client (id, client_id, client_name, client_authentication_methods, "
                        + "authorization_grant_types, scopes, client_settings, token_settings) values ('c', 'c', 'c', 'x', 'x', 'openid', '{}', '{}')");
            }
            try (PreparedStatement insert = c.prepareStatement("insert into oauth2_authorization (id, registered_client_id, principal_name, "
                    + "authorization_grant_type, access_token_value, oidc_id_token_value, refresh_token_value) values (?, 'c', 'p', 'authorization_code', ?, ?, ?)")) {
                insert.setString(1, "with-tokens");
                insert.setString(2, ACCESS);
                insert.setString(3, ID_TOKEN);
                insert.setString(4, REFRESH);
                insert.executeUpdate();
                insert.setString(1, "code-only");
                insert.setString(2, null);
                insert.setString(3, null);
                insert.setString(4, null);
                insert.executeUpdate();
            }
        }
        Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (PreparedStatement find = c.prepareStatement("select id from oauth2_authorization where refresh_token_hash = ? and refresh_token_value = ?")) {
                find.setString(1, AuthorizationStore.hash(REFRESH));
                find.setString(2, REFRESH);
                try (ResultSet rs = find.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("with-tokens");
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select id, access_token_hash, oidc_id_token_hash, refresh_token_hash from oauth2_authorization order by id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("code-only");
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.getString(3)).isNull();
                assertThat(rs.getString(4)).isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo(AuthorizationStore.hash(ACCESS)).hasSize(43);
                assertThat(rs.getString(3)).isEqualTo(AuthorizationStore.hash(ID_TOKEN));
                assertThat(rs.getString(4)).isEqualTo(AuthorizationStore.hash(REFRESH));
            }
            assertThat(indexNames(c, url, schema)).contains("oauth2_authorization_access_hash", "oauth2_authorization_id_token_hash",
                    "oauth2_authorization_refresh_hash").doesNotContain("oauth2_authorization_access",
                    "oauth2_authorization_id_token", "oauth2_authorization_refresh");
        }
    }

    private static java.util.Set<String> indexNames(Connection c, String url, String schema) throws java.sql.SQLException {
        String sql = url.startsWith("jdbc:h2:")
                ? "select lower(index_name) from information_schema.indexes where lower(table_name) = 'oauth2_authorization' and lower(table_schema) = ?"
                : "select indexname from pg_indexes where tablename = 'oauth2_authorization' and schemaname = ?";
        java.util.Set<String> names = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
        }
        return names;
    }
}
