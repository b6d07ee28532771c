package db.migration;

import java.sql.Connection;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On the embedded H2 database, the session tables of V10 are kept in memory ({@code NOT
 * PERSISTENT}): the same tables and indexes, queried the same way, but never written to the file.
 *
 * <p>Why: H2 is single-node (docs/OPERATIONS.md), so nothing but this process ever reads a session,
 * and each commit of H2's copy-on-write store rewrote every changed page of the five session
 * B-trees: half of what a sign-in wrote to disk and about a tenth of its CPU (docs/PERFORMANCE.md,
 * "Sign-in with a database session"). What it changes for an operator: a restart of an H2 server
 * signs everyone out, and a backup of the data directory holds no sessions — so restoring one can
 * never bring back a session that was ended after the backup was taken (a security version restored
 * with it would otherwise let it pass the re-check again).
 *
 * <p>On PostgreSQL (several nodes share the sessions) nothing changes. The tables are re-created,
 * so sessions open at the upgrade end: everybody signs in again once.
 */
public class V25__h2_sessions_in_memory extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2")) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("drop table spring_session_attributes");
            st.execute("drop table spring_session");
            // As V10, plus MEMORY ... NOT PERSISTENT (H2 accepts NOT PERSISTENT only on a MEMORY table).
            st.execute("""
                    create memory table spring_session (
                        primary_id            char(36)     not null,
                        session_id            char(36)     not null,
                        creation_time         bigint       not null,
                        last_access_time      bigint       not null,
                        max_inactive_interval integer      not null,
                        expiry_time           bigint       not null,
                        principal_name        varchar(100),
                        constraint spring_session_pk primary key (primary_id)
                    ) not persistent""");
            st.execute("create unique index spring_session_ix1 on spring_session (session_id)");
            st.execute("create index spring_session_ix2 on spring_session (expiry_time)");
            st.execute("create index spring_session_ix3 on spring_session (principal_name)");
            st.execute("""
                    create memory table spring_session_attributes (
                        session_primary_id char(36)     not null,
                        attribute_name     varchar(200) not null,
                        attribute_bytes    bytea        not null,
                        constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
                        constraint spring_session_attributes_fk foreign key (session_primary_id)
                            references spring_session (primary_id) on delete cascade
                    ) not persistent""");
        }
    }
}
