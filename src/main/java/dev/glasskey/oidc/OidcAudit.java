package dev.glasskey.oidc;

import java.text.ParseException;
import java.util.Map;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;

/**
 * The audit entries of the OpenID Connect provider, with stable action names that alert rules
 * can match: {@code oidc.authorize} (a code issued to a relying party), {@code oidc.token} (tokens
 * issued for a code or client credentials), {@code oidc.refresh}, {@code oidc.revoke},
 * {@code oidc.logout} and {@code oidc.refused} (any refused request, the OAuth error code as
 * reason). Token issues for an emergency account are flagged.
 */
@Component
public class OidcAudit {
    public static final String AUTHORIZE = "oidc.authorize";
    public static final String TOKEN = "oidc.token";
    public static final String REFRESH = "oidc.refresh";
    public static final String REVOKE = "oidc.revoke";
    public static final String LOGOUT = "oidc.logout";
    public static final String REFUSED = "oidc.refused";
    /** A logout token queued for a relying party whose session ended (Back-Channel Logout 1.0), then delivered or abandoned. */
    public static final String BACKCHANNEL_LOGOUT = "oidc.backchannel_logout";
    public static final String BACKCHANNEL_LOGOUT_DELIVERED = "oidc.backchannel_logout.delivered";
    public static final String BACKCHANNEL_LOGOUT_ABANDONED = "oidc.backchannel_logout.abandoned";

    private final Audit audit;

    OidcAudit(Audit audit) {
        this.audit = audit;
    }

    static Actor client(RegisteredClient client) {
        return new Actor("client:" + client.getClientId(), client.getClientName());
    }

    static Actor client(String clientId) {
        return clientId == null ? Actor.ANONYMOUS : new Actor("client:" + clientId, "client:" + clientId);
    }

    /** Joins the caller's transaction (see {@link Audit#record}). */
    public void success(Actor actor, String action, String target, boolean emergency, String detail) {
        AuditEvent event = AuditEvent.success(actor, action, target, emergency, detail);
        audit.record(emergency && (action.equals(TOKEN) || action.equals(REFRESH) || action.equals(AUTHORIZE)) ? event.flag() : event);
    }

    public void refused(Actor actor, String target, String error, boolean emergency, String detail, boolean flag) {
        AuditEvent event = AuditEvent.failure(actor, REFUSED, target, error, emergency, detail);
        audit.record(flag ? event.flag() : event);
    }

    /** The claims of a JWT this server has just signed (read only to describe it in the audit log). */
    static Map<String, Object> claimsOf(String jwt) {
        try {
            JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
            return claims.getClaims();
        } catch (ParseException | ClassCastException e) {
            return Map.of();
        }
    }
}
