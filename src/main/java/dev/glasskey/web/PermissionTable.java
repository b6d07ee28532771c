package dev.glasskey.web;

import java.util.Comparator;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import dev.glasskey.account.Permission;

import static dev.glasskey.account.Permission.*;

/**
 * The one permission table (issue 16): what each endpoint and console page needs — nothing
 * ({@link Need#open}), a session ({@link Need#signedIn}), or a permission ({@link Need#of}), the
 * last maybe only for a person's account ({@link Need#onPerson}). {@link SecurityConfiguration}
 * builds its rules from it, {@link ConsoleView} shows the navigation from it, docs/API.md
 * ("Permissions") lists it, and {@code PermissionContract} checks that every endpoint the running
 * server serves is here and that each role gets exactly what the docs say. A served path that is
 * not here is refused to everyone ({@link UnknownPaths}).
 *
 * <p>Patterns are the controllers' own, method by method.
 */
public final class PermissionTable {
    private PermissionTable() {}

    /** What a request needs. {@code permission} null: open or signed-in only. */
    public record Need(Kind kind, Permission permission) {
        public enum Kind { OPEN, SIGNED_IN, CONSOLE, PERMISSION, PERSON }

        static Need open() {
            return new Need(Kind.OPEN, null);
        }

        static Need signedIn() {
            return new Need(Kind.SIGNED_IN, null);
        }

        /** Any permission at all: the console's overview, which shows each holder only their areas. */
        static Need console() {
            return new Need(Kind.CONSOLE, null);
        }

        static Need of(Permission p) {
            return new Need(Kind.PERMISSION, p);
        }

        /**
         * {@code p} when the account named in the path is a person (not an emergency account, holding
         * and eligible for no role); {@link Permission#ACCOUNTS_MANAGE} for any other account.
         */
        static Need onPerson(Permission p) {
            return new Need(Kind.PERSON, p);
        }

        /** As docs/API.md writes it: {@code none}, {@code signed in}, {@code people.manage (a person)}. */
        public String text() {
            return switch (kind) {
                case OPEN -> "none";
                case SIGNED_IN -> "signed in";
                case CONSOLE -> "any permission";
                case PERMISSION -> permission.code();
                case PERSON -> permission.code() + " (a person)";
            };
        }
    }

    /** One endpoint: a method ({@code null}: any) and a path pattern. */
    public record Rule(HttpMethod method, String pattern, Need need) {
        /** As docs/API.md writes it: {@code GET /api/accounts}, {@code * /error}. */
        public String endpoint() {
            return (method == null ? "*" : method.name()) + " " + pattern;
        }
    }

    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod PUT = HttpMethod.PUT;
    private static final HttpMethod PATCH = HttpMethod.PATCH;
    private static final HttpMethod DELETE = HttpMethod.DELETE;

    private static Rule rule(HttpMethod method, String pattern, Need need) {
        return new Rule(method, pattern, need);
    }

    /** Static files: not controller endpoints, open to all. */
    static final List<String> STATIC = List.of("/css/**", "/js/**", "/favicon.ico");

    /** Every controller endpoint. */
    public static final List<Rule> RULES = List.of(
            // Pages before sign-in and the error page
            rule(GET, "/", Need.open()),
            rule(GET, "/sign-in", Need.open()),
            rule(GET, "/enrol/{token}", Need.open()),
            rule(GET, "/setup/{token}", Need.open()),
            rule(GET, "/drill/{id}", Need.open()),
            rule(null, "/error", Need.open()),
            // Ceremonies (each bound to a single-use challenge or link)
            rule(POST, "/api/webauthn/sign-in/options", Need.open()),
            rule(POST, "/api/webauthn/sign-in", Need.open()),
            rule(POST, "/api/enrolments/{token}/options", Need.open()),
            rule(POST, "/api/enrolments/{token}/credential", Need.open()),
            rule(POST, "/api/drills/{id}/sign-in", Need.open()),
            rule(POST, "/api/sign-in/password", Need.open()),
            rule(GET, "/api/setup/{token}", Need.open()),
            rule(POST, "/api/setup/{token}/password", Need.open()),
            rule(POST, "/api/setup/{token}/totp", Need.open()),
            rule(POST, "/api/setup/{token}/totp/confirm", Need.open()),
            // One's own session, methods and roles
            rule(GET, "/security-info", Need.signedIn()),
            rule(GET, "/api/session", Need.signedIn()),
            rule(GET, "/api/sessions", Need.signedIn()),
            rule(DELETE, "/api/sessions/{id}", Need.signedIn()),
            rule(POST, "/api/sessions/sign-out-everywhere", Need.signedIn()),
            rule(POST, "/admin/sessions/{id}/end", Need.signedIn()),
            rule(DELETE, "/api/me/password-and-app", Need.signedIn()),
            rule(GET, "/api/me/passkeys", Need.signedIn()),
            rule(POST, "/api/me/passkeys/options", Need.signedIn()),
            rule(POST, "/api/me/passkeys", Need.signedIn()),
            rule(DELETE, "/api/me/passkeys/{id}", Need.signedIn()),
            rule(GET, "/api/me/methods", Need.signedIn()),
            rule(POST, "/api/me/recovery-codes", Need.signedIn()),
            rule(GET, "/api/pim/me", Need.signedIn()),
            rule(POST, "/api/pim/me/activations", Need.signedIn()),
            rule(POST, "/api/pim/me/activations/{id}/deactivate", Need.signedIn()),
            // The service checks who approves what (pim.not_approver)
            rule(GET, "/api/pim/approvals", Need.signedIn()),
            rule(POST, "/api/pim/approvals/{id}/approve", Need.signedIn()),
            rule(POST, "/api/pim/approvals/{id}/deny", Need.signedIn()),
            // The PIM console pages of one's own roles and approvals (the service checks who approves what)
            rule(GET, "/me/roles", Need.signedIn()),
            rule(POST, "/me/roles/activate", Need.signedIn()),
            rule(POST, "/me/roles/{id}/deactivate", Need.signedIn()),
            rule(GET, "/me/approvals", Need.signedIn()),
            rule(POST, "/me/approvals/{id}/approve", Need.signedIn()),
            rule(POST, "/me/approvals/{id}/deny", Need.signedIn()),
            // Accounts and people
            rule(GET, "/api/accounts", Need.of(ACCOUNTS_READ)),
            rule(GET, "/api/accounts/{id}", Need.of(ACCOUNTS_READ)),
            rule(GET, "/api/accounts/{id}/credentials", Need.of(ACCOUNTS_READ)),
            rule(GET, "/api/accounts/{accountId}/sessions", Need.of(ACCOUNTS_READ)),
            rule(GET, "/api/enrolments", Need.of(ACCOUNTS_READ)),
            rule(POST, "/api/accounts", Need.of(ACCOUNTS_MANAGE)),
            rule(PUT, "/api/accounts/{id}/roles", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/api/accounts/invitations", Need.of(PEOPLE_MANAGE)),
            rule(POST, "/api/accounts/{id}/disable", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/api/accounts/{id}/enable", Need.onPerson(PEOPLE_MANAGE)),
            rule(PUT, "/api/accounts/{id}/sign-in-name", Need.onPerson(PEOPLE_MANAGE)),
            rule(PUT, "/api/accounts/{id}/email", Need.onPerson(PEOPLE_MANAGE)),
            rule(PUT, "/api/accounts/{id}/display-name", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/api/accounts/{id}/setup-link", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/api/accounts/{id}/reset-methods", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/api/accounts/{accountId}/sign-out-everywhere", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/api/enrolments", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/api/enrolments/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/api/credentials/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            // Keys, drills, readiness
            rule(GET, "/api/keys", Need.of(KEYS_READ)),
            rule(GET, "/api/keys/{id}", Need.of(KEYS_READ)),
            rule(GET, "/api/keys/{id}/credentials", Need.of(KEYS_READ)),
            rule(POST, "/api/keys", Need.of(KEYS_MANAGE)),
            rule(PATCH, "/api/keys/{id}", Need.of(KEYS_MANAGE)),
            rule(POST, "/api/keys/{id}/lost", Need.of(KEYS_MANAGE)),
            rule(POST, "/api/keys/{id}/retire", Need.of(KEYS_MANAGE)),
            rule(POST, "/api/keys/{id}/missing-links", Need.of(KEYS_MANAGE)),
            rule(GET, "/api/readiness", Need.of(EMERGENCY_READ)),
            rule(GET, "/api/emergency/matrix", Need.of(EMERGENCY_READ)),
            rule(GET, "/api/drills", Need.of(EMERGENCY_READ)),
            rule(GET, "/api/drills/{id}", Need.of(EMERGENCY_READ)),
            rule(POST, "/api/readiness/recheck", Need.of(DRILLS_RUN)),
            rule(POST, "/api/drills", Need.of(DRILLS_RUN)),
            rule(POST, "/api/drills/{id}/close", Need.of(DRILLS_RUN)),
            // Key models and FIDO metadata
            rule(GET, "/api/allow-list", Need.of(MODELS_READ)),
            rule(PUT, "/api/allow-list/{aaguid}", Need.of(MODELS_MANAGE)),
            rule(DELETE, "/api/allow-list/{aaguid}", Need.of(MODELS_MANAGE)),
            rule(GET, "/api/mds", Need.of(MODELS_READ)),
            rule(GET, "/api/mds/models", Need.of(MODELS_READ)),
            rule(GET, "/api/mds/models/{aaguid}", Need.of(MODELS_READ)),
            rule(POST, "/api/mds", Need.of(MODELS_MANAGE)),
            rule(POST, "/api/mds/fetch", Need.of(MODELS_MANAGE)),
            // Audit
            rule(GET, "/api/audit", Need.of(AUDIT_READ)),
            rule(GET, "/api/audit/verify", Need.of(AUDIT_READ)),
            rule(GET, "/api/audit/checkpoints", Need.of(AUDIT_READ)),
            // Alerts
            rule(GET, "/api/alerts/channels", Need.of(ALERTS_READ)),
            rule(GET, "/api/alerts/channels/{id}", Need.of(ALERTS_READ)),
            rule(GET, "/api/alerts/deliveries", Need.of(ALERTS_READ)),
            rule(GET, "/api/alerts/rules", Need.of(ALERTS_READ)),
            rule(POST, "/api/alerts/channels", Need.of(ALERTS_MANAGE)),
            rule(PUT, "/api/alerts/channels/{id}", Need.of(ALERTS_MANAGE)),
            rule(DELETE, "/api/alerts/channels/{id}", Need.of(ALERTS_MANAGE)),
            rule(POST, "/api/alerts/channels/{id}/test", Need.of(ALERTS_MANAGE)),
            rule(PUT, "/api/alerts/rules/{id}", Need.of(ALERTS_MANAGE)),
            rule(DELETE, "/api/alerts/rules/{id}", Need.of(ALERTS_MANAGE)),
            // OpenID Connect clients and signing keys
            rule(GET, "/api/clients", Need.of(CLIENTS_READ)),
            rule(GET, "/api/clients/{clientId}", Need.of(CLIENTS_READ)),
            rule(GET, "/api/oidc/keys", Need.of(CLIENTS_READ)),
            rule(POST, "/api/clients", Need.of(CLIENTS_MANAGE)),
            rule(DELETE, "/api/clients/{clientId}", Need.of(CLIENTS_MANAGE)),
            // Application roles (issue 16): defined on a client, assigned through PIM
            rule(GET, "/api/clients/{clientId}/roles", Need.of(CLIENTS_READ)),
            rule(POST, "/api/clients/{clientId}/roles", Need.of(CLIENTS_MANAGE)),
            rule(DELETE, "/api/clients/{clientId}/roles/{name}", Need.of(CLIENTS_MANAGE)),
            rule(POST, "/api/oidc/keys/rotate", Need.of(CLIENTS_MANAGE)),
            // Conditional Access (issue 17)
            rule(GET, "/api/access/policies", Need.of(ACCESS_MANAGE)),
            rule(POST, "/api/access/policies", Need.of(ACCESS_MANAGE)),
            rule(GET, "/api/access/policies/{id}", Need.of(ACCESS_MANAGE)),
            rule(PUT, "/api/access/policies/{id}", Need.of(ACCESS_MANAGE)),
            rule(POST, "/api/access/policies/{id}/state", Need.of(ACCESS_MANAGE)),
            rule(DELETE, "/api/access/policies/{id}", Need.of(ACCESS_MANAGE)),
            rule(GET, "/api/access/locations", Need.of(ACCESS_MANAGE)),
            rule(POST, "/api/access/locations", Need.of(ACCESS_MANAGE)),
            rule(GET, "/api/access/locations/{id}", Need.of(ACCESS_MANAGE)),
            rule(PUT, "/api/access/locations/{id}", Need.of(ACCESS_MANAGE)),
            rule(DELETE, "/api/access/locations/{id}", Need.of(ACCESS_MANAGE)),
            rule(GET, "/api/access/device-cas", Need.of(ACCESS_MANAGE)),
            rule(POST, "/api/access/device-cas", Need.of(ACCESS_MANAGE)),
            rule(DELETE, "/api/access/device-cas/{id}", Need.of(ACCESS_MANAGE)),
            rule(POST, "/api/access/what-if", Need.of(ACCESS_MANAGE)),
            rule(GET, "/api/access/decisions", Need.of(ACCESS_MANAGE)),
            // PIM administration (issue 16)
            rule(GET, "/api/pim/assignments", Need.of(PIM_READ)),
            rule(GET, "/api/pim/roles", Need.of(PIM_READ)),
            rule(GET, "/api/pim/roles/{role}/history", Need.of(PIM_READ)),
            rule(GET, "/api/pim/roles/{clientId}/{name}/history", Need.of(PIM_READ)),
            rule(POST, "/api/pim/assignments", Need.of(PIM_MANAGE)),
            rule(POST, "/api/pim/assignments/{id}/remove", Need.of(PIM_MANAGE)),
            rule(PUT, "/api/pim/roles/{role}", Need.of(PIM_MANAGE)),
            rule(PUT, "/api/pim/roles/{clientId}/{name}", Need.of(PIM_MANAGE)),
            // Console pages: the overview is open to every holder of a console permission (ConsoleView.console)
            rule(GET, "/admin", Need.console()),
            rule(GET, "/admin/start", Need.of(EMERGENCY_READ)),
            rule(GET, "/admin/readiness", Need.of(EMERGENCY_READ)),
            rule(GET, "/admin/matrix", Need.of(EMERGENCY_READ)),
            rule(POST, "/admin/readiness/recheck", Need.of(DRILLS_RUN)),
            rule(POST, "/admin/drills", Need.of(DRILLS_RUN)),
            rule(POST, "/admin/drills/{id}/close", Need.of(DRILLS_RUN)),
            rule(GET, "/admin/accounts", Need.of(ACCOUNTS_READ)),
            rule(GET, "/admin/accounts/{id}", Need.of(ACCOUNTS_READ)),
            rule(POST, "/admin/accounts", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/admin/accounts/{id}/enable", Need.onPerson(PEOPLE_MANAGE)),
            rule(GET, "/admin/accounts/{id}/disable", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/admin/accounts/{id}/disable", Need.onPerson(PEOPLE_MANAGE)),
            rule(POST, "/admin/accounts/{id}/sign-out-everywhere", Need.onPerson(PEOPLE_MANAGE)),
            rule(GET, "/admin/credentials", Need.of(ACCOUNTS_READ)),
            rule(GET, "/admin/credentials/{id}", Need.of(ACCOUNTS_READ)),
            rule(GET, "/admin/credentials/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/admin/credentials/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            rule(GET, "/admin/enrolments", Need.of(ACCOUNTS_READ)),
            rule(GET, "/admin/enrolments/{id}", Need.of(ACCOUNTS_READ)),
            rule(POST, "/admin/enrolments", Need.of(ACCOUNTS_MANAGE)),
            rule(GET, "/admin/enrolments/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            rule(POST, "/admin/enrolments/{id}/revoke", Need.of(ACCOUNTS_MANAGE)),
            rule(GET, "/admin/keys", Need.of(KEYS_READ)),
            rule(GET, "/admin/keys/{id}", Need.of(KEYS_READ)),
            rule(POST, "/admin/keys", Need.of(KEYS_MANAGE)),
            rule(GET, "/admin/keys/{id}/lost", Need.of(KEYS_MANAGE)),
            rule(POST, "/admin/keys/{id}/lost", Need.of(KEYS_MANAGE)),
            rule(GET, "/admin/keys/{id}/retire", Need.of(KEYS_MANAGE)),
            rule(POST, "/admin/keys/{id}/retire", Need.of(KEYS_MANAGE)),
            rule(POST, "/admin/keys/{id}/missing-links", Need.of(KEYS_MANAGE)),
            rule(GET, "/admin/audit", Need.of(AUDIT_READ)),
            rule(GET, "/admin/audit/export", Need.of(AUDIT_READ)),
            rule(POST, "/admin/audit/verify", Need.of(AUDIT_READ)),
            rule(GET, "/admin/alerts", Need.of(ALERTS_READ)),
            rule(POST, "/admin/alerts/channels", Need.of(ALERTS_MANAGE)),
            rule(POST, "/admin/alerts/channels/{id}/test", Need.of(ALERTS_MANAGE)),
            rule(POST, "/admin/alerts/channels/{id}/enabled", Need.of(ALERTS_MANAGE)),
            rule(GET, "/admin/alerts/channels/{id}/delete", Need.of(ALERTS_MANAGE)),
            rule(POST, "/admin/alerts/channels/{id}/delete", Need.of(ALERTS_MANAGE)),
            rule(POST, "/admin/alerts/rules/{id}", Need.of(ALERTS_MANAGE)),
            rule(GET, "/admin/alerts/rules/{id}/delete", Need.of(ALERTS_MANAGE)),
            rule(POST, "/admin/alerts/rules/{id}/delete", Need.of(ALERTS_MANAGE)),
            rule(GET, "/admin/models", Need.of(MODELS_READ)),
            rule(POST, "/admin/models/metadata", Need.of(MODELS_MANAGE)),
            rule(POST, "/admin/models/allow", Need.of(MODELS_MANAGE)),
            rule(POST, "/admin/models/{aaguid}/remove", Need.of(MODELS_MANAGE)),
            rule(GET, "/admin/clients", Need.of(CLIENTS_READ)),
            rule(GET, "/admin/clients/{clientId}", Need.of(CLIENTS_READ)),
            rule(POST, "/admin/clients", Need.of(CLIENTS_MANAGE)),
            rule(GET, "/admin/clients/{clientId}/delete", Need.of(CLIENTS_MANAGE)),
            rule(POST, "/admin/clients/{clientId}/delete", Need.of(CLIENTS_MANAGE)),
            rule(GET, "/admin/signing-keys", Need.of(CLIENTS_READ)),
            rule(GET, "/admin/signing-keys/rotate", Need.of(CLIENTS_MANAGE)),
            rule(POST, "/admin/signing-keys/rotate", Need.of(CLIENTS_MANAGE)),
            rule(GET, "/admin/settings", Need.of(SETTINGS_READ)),
            rule(GET, "/admin/pim/roles", Need.of(PIM_READ)),
            rule(POST, "/admin/pim/roles/{role}", Need.of(PIM_MANAGE)),
            rule(GET, "/admin/pim/assignments", Need.of(PIM_READ)),
            rule(GET, "/admin/pim/assignments/export", Need.of(PIM_READ)),
            rule(GET, "/admin/pim/roles/{role}/history", Need.of(PIM_READ)));

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    /**
     * The rules most specific first (a literal segment before a variable one; the table's patterns never overlap otherwise), so that the first rule
     * whose method and pattern match a request is the one the dispatcher's handler would be chosen by.
     */
    static List<Rule> bySpecificity() {
        Comparator<Rule> specific = Comparator.comparing(r -> PARSER.parse(r.pattern()), PathPattern.SPECIFICITY_COMPARATOR);
        return RULES.stream().sorted(specific).toList();
    }

    /** The rule for a GET of a console path (for the navigation). */
    static java.util.Optional<Rule> page(String path) {
        return RULES.stream().filter(r -> r.method() == GET && r.pattern().equals(path)).findFirst();
    }
}
