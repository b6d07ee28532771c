package dev.glasskey.key;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class KeyInventoryStore {
    private final JdbcClient jdbc;

    KeyInventoryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(SecurityKey k) {
        jdbc.sql("""
                insert into security_key (id, label, aaguid, model, serial, custodian, location, capacity, status, created_at, status_changed_at)
                values (:id, :label, :aaguid, :model, :serial, :custodian, :location, :capacity, :status, :created, :changed)""")
                .param("id", k.id()).param("label", k.label()).param("aaguid", k.aaguid()).param("model", k.model())
                .param("serial", k.serial()).param("custodian", k.custodian()).param("location", k.location())
                .param("capacity", k.capacity()).param("status", k.status().value())
                .param("created", Times.db(k.createdAt())).param("changed", Times.db(k.statusChangedAt())).update();
    }

    void update(SecurityKey k) {
        jdbc.sql("""
                update security_key set label = :label, aaguid = :aaguid, model = :model, serial = :serial, custodian = :custodian,
                  location = :location, capacity = :capacity, status = :status, status_changed_at = :changed where id = :id""")
                .param("id", k.id()).param("label", k.label()).param("aaguid", k.aaguid()).param("model", k.model())
                .param("serial", k.serial()).param("custodian", k.custodian()).param("location", k.location())
                .param("capacity", k.capacity()).param("status", k.status().value())
                .param("changed", Times.db(k.statusChangedAt())).update();
    }

    Optional<SecurityKey> find(String id) {
        return jdbc.sql("select * from security_key where id = :id").param("id", id).query(KeyInventoryStore::row).optional();
    }

    Optional<SecurityKey> findForUpdate(String id) {
        return jdbc.sql("select * from security_key where id = :id for update").param("id", id).query(KeyInventoryStore::row).optional();
    }

    boolean labelTaken(String label, String exceptId) {
        return jdbc.sql("select count(*) from security_key where lower(label) = lower(:label) and id <> :id")
                .param("label", label).param("id", exceptId == null ? "" : exceptId).query(Long.class).single() > 0;
    }

    List<SecurityKey> all() {
        return jdbc.sql("select * from security_key order by location, custodian, label").query(KeyInventoryStore::row).list();
    }

    static SecurityKey row(ResultSet rs, int n) throws SQLException {
        return new SecurityKey(rs.getString("id"), rs.getString("label"), rs.getString("aaguid"), rs.getString("model"),
                rs.getString("serial"), rs.getString("custodian"), rs.getString("location"), rs.getInt("capacity"),
                SecurityKey.Status.of(rs.getString("status")),
                Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("status_changed_at", OffsetDateTime.class)));
    }

}
