package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Client registrations from the database, remembered for a few seconds: every token request
 * reads its client once or twice (client authentication, then the authorization's row), and
 * the stored settings are JSON. Changes made on this node take effect at once (the entry is
 * dropped); on another node of a cluster within {@link #TTL}.
 */
final class CachingClientRepository implements RegisteredClientRepository {
    static final Duration TTL = Duration.ofSeconds(5);

    private final RegisteredClientRepository delegate;
    private final Clock clock;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, Entry> byClientId = new ConcurrentHashMap<>();

    private record Entry(RegisteredClient client, Instant loadedAt) {}

    CachingClientRepository(RegisteredClientRepository delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        delegate.save(registeredClient);
        evictAll();
    }

    @Override
    public RegisteredClient findById(String id) {
        return cached(byId, id, () -> delegate.findById(id));
    }

    /** A client id that cannot name a registered client (any caller's text) is answered without a lookup. */
    @Override
    public RegisteredClient findByClientId(String clientId) {
        if (!OidcClient.couldBeRegistered(clientId)) {
            return null;
        }
        return cached(byClientId, clientId, () -> delegate.findByClientId(clientId));
    }

    void evictAll() {
        byId.clear();
        byClientId.clear();
    }

    private RegisteredClient cached(Map<String, Entry> map, String key, java.util.function.Supplier<RegisteredClient> load) {
        Instant now = clock.instant();
        Entry entry = map.get(key);
        if (entry != null && !now.isAfter(entry.loadedAt().plus(TTL)) && !now.isBefore(entry.loadedAt())) {
            return entry.client();
        }
        RegisteredClient client = load.get();
        if (client != null) {
            map.put(key, new Entry(client, now));
        } else {
            map.remove(key);
        }
        return client;
    }
}
