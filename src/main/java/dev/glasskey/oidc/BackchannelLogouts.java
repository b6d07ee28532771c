package dev.glasskey.oidc;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.alert.DirectMessages;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.session.SessionCheck;
import dev.glasskey.session.SessionService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a Glasskey session ends, every relying party that
 * received tokens in it and registered a {@code backchannel_logout_uri} gets a logout token.
 *
 * <p>What "ended" means is judged on the state, not on the kinds of change that end sessions (as
 * the lockout guard judges states): a code exchange records its (session, client) pair
 * ({@link #track}); {@link #sweep} — run every {@code glasskey.oidc.backchannel-logout-interval}
 * on one node at a time, and by tests — reads the sessions of the accounts named there and takes
 * every pair whose session is gone (signed out, ended by its owner or an administrator, "sign out
 * everywhere", purged) or no longer stands by the one re-check ({@link SessionCheck}: account
 * disabled or deleted, role removed, credential revoked, key lost or retired, a compromised model,
 * past its lifetime) or idle. So a new way of ending a session cannot forget the relying parties.
 *
 * <p>For each such pair, in one transaction: the pair is forgotten (a conditional delete: one
 * logout token per pair however many nodes sweep), the refresh tokens the client got in the
 * session are revoked (§2.7), the message is queued in the alerts' outbox
 * ({@link DirectMessages}: leased delivery, retries with back-off, one idempotency key) and the
 * audit entry {@code oidc.backchannel_logout} is written. The token itself is signed when it is
 * sent ({@link BackchannelLogoutSender}), so a receiver that was down gets a fresh one.
 */
@Service
public class BackchannelLogouts {
    /** The kind of outbox message a logout token travels as. */
    static final String KIND = "backchannel-logout";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(BackchannelLogouts.class);

    private final BackchannelLogoutStore store;
    private final SessionService sessions;
    private final RegisteredClientRepository clients;
    private final AccountService accounts;
    private final DirectMessages messages;
    private final OAuth2AuthorizationService authorizations;
    private final Audit audit;
    private final Clock clock;
    private final TransactionTemplate tx;

    BackchannelLogouts(BackchannelLogoutStore store, SessionService sessions, RegisteredClientRepository clients, AccountService accounts,
                       DirectMessages messages, OAuth2AuthorizationService authorizations, Audit audit, Clock clock,
                       PlatformTransactionManager transactionManager) {
        this.authorizations = authorizations;
        this.store = store;
        this.sessions = sessions;
        this.clients = clients;
        this.accounts = accounts;
        this.messages = messages;
        this.audit = audit;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** What a queued logout token names: the payload of its outbox message. */
    record Payload(String clientId, String sid, String sub, boolean emergency, String reason) {}

    /**
     * Records that {@code client} received tokens in session {@code sid} by the code exchange that
     * made {@code authorizationId}; in the grant's transaction. Only for clients with a back-channel
     * logout URI (no one else is told), and only for sign-ins with a sid.
     */
    void track(String authorizationId, String sid, RegisteredClient client, String accountId) {
        if (sid != null && OidcClient.backchannelLogoutUri(client) != null) {
            store.track(authorizationId, sid, client.getClientId(), accountId, Times.now(clock));
        }
    }

    /** Queues a logout token for every tracked pair whose session has ended; returns how many were queued. */
    public int sweep() {
        Map<String, List<BackchannelLogoutStore.Tracked>> byAccount = store.tracked().stream()
                .collect(Collectors.groupingBy(BackchannelLogoutStore.Tracked::accountId, LinkedHashMap::new, Collectors.toList()));
        int queued = 0;
        for (var entry : byAccount.entrySet()) {
            Map<String, Optional<SessionCheck.Ended>> bySid = sessions.sessionsBySid(entry.getKey());
            for (BackchannelLogoutStore.Tracked pair : entry.getValue()) {
                Optional<SessionCheck.Ended> state = bySid.get(pair.sid());
                SessionCheck.Ended ended = state == null ? GONE : state.orElse(null);
                if (ended != null && Boolean.TRUE.equals(tx.execute(s -> queue(pair, ended)))) {
                    queued++;
                }
            }
        }
        return queued;
    }

    /** A session that is no longer stored: signed out, ended, or purged after it expired. */
    private static final SessionCheck.Ended GONE = new SessionCheck.Ended("session.gone",
            "the session is over (signed out, ended, or removed after it expired)");

    private boolean queue(BackchannelLogoutStore.Tracked pair, SessionCheck.Ended ended) {
        List<String> authorizationIds = store.authorizations(pair.sid(), pair.clientId());
        if (store.untrack(pair.sid(), pair.clientId()) == 0) {
            return false; // taken by another sweep
        }
        int revoked = revokeRefreshTokens(authorizationIds);
        RegisteredClient client = clients.findByClientId(pair.clientId());
        String uri = client == null ? null : OidcClient.backchannelLogoutUri(client);
        if (uri == null) {
            return false; // removed meanwhile (its pairs go with it)
        }
        Account account = account(pair.accountId());
        boolean emergency = account != null && account.emergency();
        String name = account == null ? pair.accountId() : account.displayName();
        Payload payload = new Payload(pair.clientId(), pair.sid(), pair.accountId(), emergency, ended.reason());
        String summary = "logout token for client '" + pair.clientId() + "': session " + pair.sid() + " of '" + name + "' ended";
        String deliveryId = messages.enqueue(KIND, summary, JSON.writeValueAsString(payload));
        audit.record(AuditEvent.success(Actor.SYSTEM, OidcAudit.BACKCHANNEL_LOGOUT, pair.accountId(), emergency,
                "session " + pair.sid() + " of '" + name + "' ended (" + ended.reason() + ": " + ended.description()
                        + "): logout token " + deliveryId + " queued for client '" + client.getClientName() + "' (" + pair.clientId()
                        + ") at " + uri + (revoked > 0 ? "; " + revoked + " refresh token(s) of the session revoked" : "")));
        log.debug("Queued back-channel logout {} for client {} (session {})", deliveryId, pair.clientId(), pair.sid());
        return true;
    }

    /**
     * Back-Channel Logout 1.0 §2.7: refresh tokens issued to a session being logged out, without
     * {@code offline_access} (which Glasskey does not offer), should be revoked: the client was told
     * the session is over, so nothing it holds should outlive it. Returns how many were revoked.
     */
    private int revokeRefreshTokens(List<String> authorizationIds) {
        int revoked = 0;
        for (String id : authorizationIds) {
            OAuth2Authorization authorization = authorizations.findById(id);
            OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization == null ? null : authorization.getRefreshToken();
            if (refresh != null && !refresh.isInvalidated()) {
                authorizations.save(OAuth2Authorization.from(authorization).token(refresh.getToken(),
                        metadata -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true)).build());
                revoked++;
            }
        }
        return revoked;
    }

    private Account account(String accountId) {
        try {
            return accounts.get(accountId);
        } catch (GlasskeyException gone) {
            return null;
        }
    }
}
