package dev.glasskey.secret;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Times;

/**
 * SQL for {@code secret_kek} (the check values) and for the sealed columns as a whole
 * ({@link SealedColumn#ALL}: their table and column names are constants of ours, never input).
 */
@Repository
class SecretStore {
    private final JdbcClient jdbc;

    SecretStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The check values by KEK id. */
    Map<String, String> checks() {
        return checks("select kek_id, check_value from secret_kek order by created_at");
    }

    /** The check values, their rows locked: first start, a new KEK and rewrap serialise on them (where there are any). */
    Map<String, String> lockChecks() {
        return checks("select kek_id, check_value from secret_kek order by created_at for update");
    }

    private Map<String, String> checks(String sql) {
        Map<String, String> checks = new LinkedHashMap<>();
        jdbc.sql(sql).query(rs -> {
            checks.put(rs.getString(1), rs.getString(2));
        });
        return checks;
    }

    void insertCheck(String kekId, String checkValue, Instant at) {
        jdbc.sql("insert into secret_kek (kek_id, check_value, created_at) values (:id, :v, :at)")
                .param("id", kekId).param("v", checkValue).param("at", Times.db(at)).update();
    }

    /** Deletes the check values of every KEK but {@code keep}; returns the ids deleted. */
    List<String> deleteChecksExcept(String keep) {
        List<String> ids = jdbc.sql("select kek_id from secret_kek where kek_id <> :keep").param("keep", keep).query(String.class).list();
        jdbc.sql("delete from secret_kek where kek_id <> :keep").param("keep", keep).update();
        return ids;
    }

    /** One stored value of a sealed column. */
    record Stored(String rowId, String value) {}

    /** Every non-null value of a sealed column, its rows locked. */
    List<Stored> lockValues(SealedColumn column) {
        return jdbc.sql("select " + column.idColumn() + ", " + column.valueColumn() + " from " + column.table()
                        + " where " + column.valueColumn() + " is not null order by " + column.idColumn() + " for update")
                .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2))).list();
    }

    /** Replaces a stored value if it is still {@code before}; false when someone changed it meanwhile. */
    boolean replace(SealedColumn column, String rowId, String before, String after) {
        return jdbc.sql("update " + column.table() + " set " + column.valueColumn() + " = :after where " + column.idColumn()
                        + " = :id and " + column.valueColumn() + " = :before")
                .param("after", after).param("id", rowId).param("before", before).update() == 1;
    }
}
