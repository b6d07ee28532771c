package dev.glasskey.oidc;

import java.text.ParseException;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.nimbusds.jose.jwk.JWK;

import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.Times;

/**
 * SQL for {@code oidc_signing_key}. The private JWK is stored sealed under the key-encryption key
 * ({@link Sealing}, bound to the key's kid) and opened as it is read; {@link Sealing} remembers
 * what it opened, so the periodic re-read of unchanged keys decrypts nothing.
 */
@Repository
class SigningKeyStore {
    private final JdbcClient jdbc;
    private final Sealing sealing;

    SigningKeyStore(JdbcClient jdbc, Sealing sealing) {
        this.jdbc = jdbc;
        this.sealing = sealing;
    }

    List<SigningKey> all() {
        return jdbc.sql("select kid, algorithm, private_jwk, created_at, activates_at, superseded_at, unpublish_at "
                        + "from oidc_signing_key order by algorithm, activates_at")
                .query((rs, n) -> {
                    try {
                        String kid = rs.getString("kid");
                        return new SigningKey(kid, rs.getString("algorithm"),
                                JWK.parse(sealing.open(SealedColumn.OIDC_SIGNING_KEY, kid, rs.getString("private_jwk"))),
                                Times.instant(rs.getObject("created_at", java.time.OffsetDateTime.class)),
                                Times.instant(rs.getObject("activates_at", java.time.OffsetDateTime.class)),
                                Times.instant(rs.getObject("superseded_at", java.time.OffsetDateTime.class)),
                                Times.instant(rs.getObject("unpublish_at", java.time.OffsetDateTime.class)));
                    } catch (ParseException e) {
                        throw new IllegalStateException("stored signing key " + rs.getString("kid") + " is not a JWK", e);
                    }
                }).list();
    }

    /** Locks the key table's rows of one algorithm, so two rotations of it serialise. */
    List<String> lockAlgorithm(String algorithm) {
        return jdbc.sql("select kid from oidc_signing_key where algorithm = :a for update")
                .param("a", algorithm).query(String.class).list();
    }

    void insert(SigningKey key) {
        jdbc.sql("""
                insert into oidc_signing_key (kid, algorithm, private_jwk, created_at, activates_at, superseded_at, unpublish_at)
                values (:kid, :alg, :jwk, :created, :activates, null, null)""")
                .param("kid", key.kid()).param("alg", key.algorithm()).param("jwk", sealing.seal(SealedColumn.OIDC_SIGNING_KEY, key.kid(), key.jwk().toJSONString()))
                .param("created", Times.db(key.createdAt())).param("activates", Times.db(key.activatesAt())).update();
    }

    /** Supersedes every not yet superseded key of the algorithm except {@code keep}. */
    int supersede(String algorithm, String keep, Instant supersededAt, Instant unpublishAt) {
        return jdbc.sql("""
                update oidc_signing_key set superseded_at = :at, unpublish_at = :until
                where algorithm = :alg and kid <> :keep and superseded_at is null""")
                .param("at", Times.db(supersededAt)).param("until", Times.db(unpublishAt))
                .param("alg", algorithm).param("keep", keep).update();
    }
}
