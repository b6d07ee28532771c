package dev.glasskey.webauthn;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class AllowedModelStore {
    private final JdbcClient jdbc;

    AllowedModelStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<AllowedModel> all() {
        return jdbc.sql("select * from allowed_model order by name").query((rs, n) -> new AllowedModel(rs.getString("aaguid"),
                rs.getString("name"), rs.getString("roots_pem"), Times.instant(rs.getObject("created_at", OffsetDateTime.class)))).list();
    }

    /** The AAGUIDs on the allow-list (empty: any model). */
    java.util.Set<String> aaguids() {
        return jdbc.sql("select aaguid from allowed_model").query(String.class).set();
    }

    Optional<AllowedModel> find(String aaguid) {
        return all().stream().filter(m -> m.aaguid().equals(aaguid)).findFirst();
    }

    void upsert(AllowedModel m) {
        jdbc.sql("delete from allowed_model where aaguid = :a").param("a", m.aaguid()).update();
        jdbc.sql("insert into allowed_model (aaguid, name, roots_pem, created_at) values (:a, :n, :pem, :at)")
                .param("a", m.aaguid()).param("n", m.name()).param("pem", m.rootsPem()).param("at", Times.db(m.createdAt())).update();
    }

    void delete(String aaguid) {
        jdbc.sql("delete from allowed_model where aaguid = :a").param("a", aaguid).update();
    }
}
