package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * The token signing keys: one ES256 (P-256) and one RS256 (RSA 2048) key in force at a time,
 * generated on first start and kept in the database (so they survive restarts and a backup of
 * the database is a backup of the keys). ES256 is the default per client (a signature costs a
 * fraction of an RS256 one); RS256 is kept because OpenID Connect Discovery 1.0 §3 requires
 * it to be supported ({@code id_token_signing_alg_values_supported}).
 *
 * <p>Rotation (RFC 7517 key sets; OpenID Connect Core 1.0 §10.1.1 "Rotation of Asymmetric
 * Signing Keys"): a new key per algorithm, published at once and signing from its activation
 * time; the keys it supersedes stay in the JWK Set for {@code retired-key-retention}, longer
 * than any token they signed can live.
 */
@Service
public class SigningKeys implements SmartLifecycle {
    /**
     * Before the web server: Boot starts it in a later lifecycle phase, so no protocol endpoint
     * (above all the JWK Set) answers before the keys exist. Every bean, including the secrets at
     * rest ({@code SecretsAtRest}, run when all singletons exist), is ready by then.
     */
    static final int PHASE = 0;

    public static final List<String> ALGORITHMS = List.of("ES256", "RS256");
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final DateTimeFormatter KID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final SigningKeyStore store;
    private final OidcProperties properties;
    private final Audit audit;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile boolean ready;

    SigningKeys(SigningKeyStore store, OidcProperties properties, Audit audit, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
    }

    private record Snapshot(List<SigningKey> keys, Instant loadedAt) {}

    /** Loads the keys, generating the first ones on a new database; called through the proxy, so in a transaction. */
    @Override
    @Transactional
    public void start() {
        ensure();
        keys();
        ready = true;
    }

    @Override
    public void stop() {
        // Nothing to release; the keys stay usable while the context closes.
    }

    @Override
    public boolean isRunning() {
        return ready;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Whether the keys are loaded: until then the protocol endpoints answer 503 ({@link SigningKeysGate}). */
    public boolean ready() {
        return ready;
    }

    /** Generates the first key of each algorithm that has none (first start). */
    @Transactional
    public void ensure() {
        Instant now = Times.now(clock);
        for (String algorithm : ALGORITHMS) {
            store.lockAlgorithm(algorithm);
            boolean present = store.all().stream().anyMatch(k -> k.algorithm().equals(algorithm));
            if (!present) {
                SigningKey key = generate(algorithm, now, now);
                store.insert(key);
                audit.record(AuditEvent.success(Actor.SYSTEM, "oidc.keys.generate", key.kid(), false,
                        algorithm + " token signing key generated on first start"));
                log.info("Generated token signing key {} ({})", key.kid(), algorithm);
            }
        }
        snapshot = null;
    }

    /**
     * Rotates every algorithm's key: the new keys are published now and sign from
     * {@code now + activateIn}; the keys they supersede stay published for the retention after that.
     */
    @Transactional
    public List<SigningKey.View> rotate(Actor actor, Duration activateIn, String note) {
        String why = dev.glasskey.system.Notes.optional(note);
        if (activateIn == null || activateIn.isNegative() || activateIn.compareTo(Duration.ofDays(7)) > 0) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "activateIn must be between 0 and 7 days.");
        }
        Instant now = Times.now(clock);
        Instant activatesAt = now.plus(activateIn);
        Instant unpublishAt = activatesAt.plus(properties.retiredKeyRetention());
        List<String> kids = new ArrayList<>();
        for (String algorithm : ALGORITHMS) {
            store.lockAlgorithm(algorithm);
            SigningKey key = generate(algorithm, now, activatesAt);
            store.insert(key);
            store.supersede(algorithm, key.kid(), activatesAt, unpublishAt);
            kids.add(key.kid());
        }
        audit.record(AuditEvent.success(actor, "oidc.keys.rotate", String.join(",", kids), false,
                "new signing keys " + kids + " sign from " + activatesAt + "; superseded keys published until " + unpublishAt + dev.glasskey.system.Notes.suffix(why)));
        snapshot = null;
        Instant at = now;
        return store.all().stream().map(k -> k.view(at)).toList();
    }

    @Transactional(readOnly = true)
    public List<SigningKey.View> list() {
        Instant now = Times.now(clock);
        return store.all().stream().map(k -> k.view(now)).toList();
    }

    /** The key that signs with {@code algorithm} now: the most recently activated one. */
    public JWK signingKey(String algorithm) {
        Instant now = clock.instant();
        return keys().stream()
                .filter(k -> k.algorithm().equals(algorithm) && !now.isBefore(k.activatesAt()))
                .max(Comparator.comparing(SigningKey::activatesAt))
                .map(SigningKey::jwk)
                .orElseThrow(() -> new IllegalStateException("no " + algorithm + " signing key"));
    }

    /** Every key to publish in the JWK Set now (private parts are dropped by the endpoint). */
    public List<JWK> publishedKeys() {
        Instant now = clock.instant();
        return keys().stream().filter(k -> k.publishedAt(now)).map(SigningKey::jwk).toList();
    }

    /** The source the JWK Set endpoint and the token decoder read: every published key. */
    public JWKSource<SecurityContext> publishedSource() {
        return (selector, context) -> selector.select(new JWKSet(publishedKeys()));
    }

    /** The source the token encoder reads: exactly one key in force per algorithm. */
    public JWKSource<SecurityContext> signingSource() {
        return (selector, context) -> selector.select(new JWKSet(ALGORITHMS.stream().map(this::signingKey).toList()));
    }

    /** The keys, re-read from the database at most every {@code key-refresh}. */
    private List<SigningKey> keys() {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || now.isAfter(s.loadedAt().plus(properties.keyRefresh())) || now.isBefore(s.loadedAt())) {
            s = new Snapshot(List.copyOf(store.all()), now);
            snapshot = s;
        }
        return s.keys();
    }

    private static SigningKey generate(String algorithm, Instant now, Instant activatesAt) {
        String kid = algorithm.toLowerCase() + "-" + KID_DATE.format(now) + "-" + Ids.randomToken(6);
        try {
            JWK jwk = switch (algorithm) {
                case "ES256" -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256).generate();
                case "RS256" -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).generate();
                default -> throw new IllegalArgumentException(algorithm);
            };
            return new SigningKey(kid, algorithm, jwk, now, activatesAt, null, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate " + algorithm + " key", e);
        }
    }
}
