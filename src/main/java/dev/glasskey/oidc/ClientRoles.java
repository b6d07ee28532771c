package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.pim.PimApplicationRoles;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Times;

/**
 * Application roles (issue 16 §1): roles a relying party defines for itself ({@code vault-admin},
 * {@code k8s-cluster-admin}). Glasskey gives them no meaning; PIM assigns and activates them like
 * directory roles (as {@code <client id>/<role>}, {@link Roles#application}) and they reach only this
 * client's tokens, while active ({@link TokenClaims}). Removing one removes its assignments (each
 * audited, {@link PimApplicationRoles#removed}); removing the client removes its roles.
 */
@Service
public class ClientRoles {
    /** Kubernetes group / Vault policy friendly: lower-case letters, digits, '.', '_', '-' and ':', starting with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    private static final int MAX_PER_CLIENT = 100;

    private final JdbcClient jdbc;
    private final RegisteredClientRepository clients;
    private final PimApplicationRoles pim;
    private final Audit audit;
    private final Clock clock;

    ClientRoles(JdbcClient jdbc, RegisteredClientRepository clients, PimApplicationRoles pim, Audit audit, Clock clock) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.pim = pim;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * One application role.
     *
     * @param role the name PIM assigns it under ({@code <client id>/<name>})
     */
    public record ClientRole(String clientId, String name, String description, String role, Instant createdAt, String createdBy) {}

    @Transactional(readOnly = true)
    public List<ClientRole> list(String clientId) {
        known(clientId);
        return jdbc.sql("select * from oidc_client_role where client_id = :client order by name").param("client", clientId)
                .query((rs, n) -> new ClientRole(rs.getString("client_id"), rs.getString("name"), rs.getString("description"),
                        Roles.application(rs.getString("client_id"), rs.getString("name")),
                        Times.instant(rs.getObject("created_at", OffsetDateTime.class)), rs.getString("created_by")))
                .list();
    }

    @Transactional
    public ClientRole define(Actor actor, String clientId, String name, String description) {
        String client = known(clientId);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID,
                    "name must be 1 to 64 of a-z 0-9 . _ : - starting with a letter or digit.", "name");
        }
        String text = description == null || description.isBlank() ? null : description.strip();
        if (text != null && (text.length() > 200 || text.chars().anyMatch(Character::isISOControl))) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "description must be at most 200 printable characters on one line.",
                    "description");
        }
        // Serialises definitions of one client's roles (the client row exists: known above).
        jdbc.sql("select id from oauth2_registered_client where client_id = :client for update").param("client", client).query(String.class).list();
        Long count = jdbc.sql("select count(*) from oidc_client_role where client_id = :client").param("client", client).query(Long.class).single();
        if (exists(client, name)) {
            throw new GlasskeyException(ErrorCode.CLIENT_ROLE_EXISTS, "Client '" + client + "' already has a role '" + name + "'.", "name");
        }
        if (count >= MAX_PER_CLIENT) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A client has at most " + MAX_PER_CLIENT + " roles.", "name");
        }
        Instant now = Times.now(clock);
        jdbc.sql("""
                insert into oidc_client_role (client_id, name, description, created_at, created_by)
                values (:client, :name, :description, :at, :by)""")
                .param("client", client).param("name", name).param("description", text).param("at", Times.db(now))
                .param("by", actor.label()).update();
        pim.defined(Roles.application(client, name));
        audit.record(AuditEvent.success(actor, "oidc.client.role_add", client, false,
                "application role '" + name + "' defined on client '" + client + "'" + (text == null ? "" : ": " + text)));
        return new ClientRole(client, name, text, Roles.application(client, name), now, actor.label());
    }

    /** Removes the role with every assignment of it (each audited by PIM). Returns how many assignments ended. */
    @Transactional
    public int remove(Actor actor, String clientId, String name, String note) {
        String client = known(clientId);
        String why = Notes.optional(note);
        if (name == null || !exists(client, name)) {
            throw new GlasskeyException(ErrorCode.CLIENT_ROLE_NOT_FOUND, "Client '" + client + "' has no role '" + name + "'.");
        }
        int ended = removeOne(actor, client, name);
        audit.record(AuditEvent.success(actor, "oidc.client.role_remove", client, false, "application role '" + name
                + "' removed from client '" + client + "' with " + ended + " assignment(s)" + Notes.suffix(why)));
        return ended;
    }

    /** A removed client's roles go with it (called in the removal's transaction). */
    void removeAll(Actor actor, String clientId) {
        for (String name : jdbc.sql("select name from oidc_client_role where client_id = :client").param("client", clientId)
                .query(String.class).list()) {
            int ended = removeOne(actor, clientId, name);
            audit.record(AuditEvent.success(actor, "oidc.client.role_remove", clientId, false, "application role '" + name
                    + "' removed with client '" + clientId + "', with " + ended + " assignment(s)"));
        }
    }

    private int removeOne(Actor actor, String client, String name) {
        int ended = pim.removed(actor, Roles.application(client, name), "application role '" + name + "' of client '" + client + "' removed");
        jdbc.sql("delete from oidc_client_role where client_id = :client and name = :name").param("client", client).param("name", name).update();
        return ended;
    }

    private boolean exists(String client, String name) {
        return jdbc.sql("select count(*) from oidc_client_role where client_id = :client and name = :name").param("client", client)
                .param("name", name).query(Long.class).single() > 0;
    }

    private String known(String clientId) {
        if (clientId == null || !OidcClient.couldBeRegistered(clientId) || clients.findByClientId(clientId) == null) {
            throw new GlasskeyException(ErrorCode.CLIENT_NOT_FOUND, "No client with id '" + clientId + "'.");
        }
        return clientId;
    }
}
