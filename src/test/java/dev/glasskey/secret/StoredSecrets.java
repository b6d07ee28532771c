package dev.glasskey.secret;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The secrets a database stores, read as a test sees them: every value of every sealed column, by "table row-id". */
final class StoredSecrets {
    private StoredSecrets() {}

    static Map<String, String> of(JdbcClient db) {
        Map<String, String> stored = new LinkedHashMap<>();
        for (SealedColumn column : SealedColumn.ALL) {
            db.sql("select " + column.idColumn() + ", " + column.valueColumn() + " from " + column.table() + " where "
                    + column.valueColumn() + " is not null").query(rs -> {
                stored.put(column.table() + " " + rs.getString(1), rs.getString(2));
            });
        }
        return stored;
    }

    /** Each stored value opened where it is. */
    static Map<String, String> opened(Sealing sealing, Map<String, String> stored) {
        Map<String, String> opened = new LinkedHashMap<>();
        stored.forEach((where, value) -> opened.put(where, sealing.open(column(where), rowId(where), value)));
        return opened;
    }

    static SealedColumn column(String where) {
        String table = where.split(" ", 2)[0];
        return SealedColumn.ALL.stream().filter(c -> c.table().equals(table)).findFirst().orElseThrow();
    }

    static String rowId(String where) {
        return where.split(" ", 2)[1];
    }

    /** The embedded database of a stopped server. */
    static JdbcClient h2(Path dataDir) {
        return JdbcClient.create(new DriverManagerDataSource("jdbc:h2:file:" + dataDir.resolve("glasskey"), "glasskey", ""));
    }

    /**
     * After a rewrap from {@code old} to {@code current}: every stored value names the current key,
     * and the old key opens none of them — neither by its id nor, under the current key's id, by
     * the ciphertexts themselves.
     */
    static void assertOnlyTheCurrentKeyOpens(Map<String, String> stored, Sealing.Kek old, Sealing.Kek current) {
        Sealing oldOnly = new Sealing(old, java.util.List.of());
        Sealing oldUnderNewId = new Sealing(new Sealing.Kek(current.id(), old.key(), null, "the old key"), java.util.List.of());
        stored.forEach((where, value) -> {
            assertThat(Sealing.kekIdOf(value)).as(where).isEqualTo(current.id());
            assertUnreadable(() -> oldOnly.open(column(where), rowId(where), value), "which is not configured here");
            assertUnreadable(() -> oldUnderNewId.open(column(where), rowId(where), value), "does not open under key-encryption key");
        });
    }

    static void assertUnreadable(ThrowableAssert.ThrowingCallable open, String why) {
        assertThatThrownBy(open).isInstanceOfSatisfying(GlasskeyException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.SECRET_UNREADABLE);
            assertThat(e.detail()).contains(why);
        });
    }
}
