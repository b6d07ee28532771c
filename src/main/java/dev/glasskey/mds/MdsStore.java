package dev.glasskey.mds;

import java.time.LocalDate;
import java.time.OffsetDateTime;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/** The one {@code mds_blob} row (V15): the accepted BLOB as verified, serial 0 while none is loaded. */
@Repository
class MdsStore {
    private final JdbcClient jdbc;

    MdsStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The stored BLOB and how it came; {@code jws} is null while none is loaded. */
    record StoredBlob(long serial, LocalDate nextUpdate, String sha256, String jws, java.time.Instant loadedAt, String loadedBy,
                      String source) {}

    long serial() {
        return jdbc.sql("select serial from mds_blob where id = 1").query(Long.class).single();
    }

    /** Locks the row for the rest of the transaction: loads serialise here, and judge the serial as it is. */
    long lockSerial() {
        return jdbc.sql("select serial from mds_blob where id = 1 for update").query(Long.class).single();
    }

    StoredBlob current() {
        return jdbc.sql("select * from mds_blob where id = 1").query((rs, n) -> new StoredBlob(rs.getLong("serial"),
                rs.getObject("next_update", LocalDate.class), rs.getString("sha256"), rs.getString("jws"),
                Times.instant(rs.getObject("loaded_at", OffsetDateTime.class)), rs.getString("loaded_by"), rs.getString("source")))
                .single();
    }

    void replace(StoredBlob blob) {
        jdbc.sql("""
                update mds_blob set serial = :serial, next_update = :next, sha256 = :sha, jws = :jws, loaded_at = :at,
                loaded_by = :by, source = :source where id = 1""")
                .param("serial", blob.serial()).param("next", blob.nextUpdate()).param("sha", blob.sha256()).param("jws", blob.jws())
                .param("at", Times.db(blob.loadedAt())).param("by", blob.loadedBy()).param("source", blob.source()).update();
    }
}
