package dev.glasskey.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.glasskey.account.Permission;
import dev.glasskey.account.Roles;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, the one permission table: every endpoint the running server serves is in it, the docs
 * (docs/API.md, "Permissions") say the same as the code, and a real session of every role gets
 * exactly what the docs' tables say — endpoint by endpoint.
 */
interface PermissionContract extends Fixtures {
    /** A session with no role: what a person gets. */
    String NO_ROLE = "(no role)";

    /** The docs' two tables: endpoint → need text, role → permission codes. */
    record Docs(Map<String, String> endpoints, Map<String, Set<String>> roles) {
        /** The need a role's session meets, per docs. */
        boolean allows(String role, String need) {
            if (need.equals("none") || need.equals("signed in")) {
                return true;
            }
            Set<String> held = roles.getOrDefault(role, Set.of());
            if (need.equals("any permission")) {
                return !held.isEmpty();
            }
            return held.contains(need.replace(" (a person)", ""));
        }
    }

    static Docs docs() {
        String text;
        try {
            text = Files.readString(Path.of("docs/API.md"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int start = text.indexOf("## Permissions");
        assertThat(start).as("docs/API.md has a section Permissions").isNotNegative();
        String section = text.substring(start, text.indexOf("\n## ", start + 3));
        List<String> roleColumns = new ArrayList<>();
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        Map<String, String> endpoints = new LinkedHashMap<>();
        Pattern endpointRow = Pattern.compile("^\\| `([A-Z*]+ /[^`]*)` \\| (.+?) \\|$");
        for (String line : section.split("\n")) {
            if (line.startsWith("| Permission |")) {
                String[] cells = line.split("\\|");
                for (int i = 2; i < cells.length - 1; i++) {
                    String role = cells[i].trim().replace("`", "");
                    roleColumns.add(role);
                    roles.put(role, new TreeSet<>());
                }
                continue;
            }
            Matcher e = endpointRow.matcher(line);
            if (e.matches()) {
                assertThat(endpoints.put(e.group(1), e.group(2).replace("`", ""))).as("listed twice: " + e.group(1)).isNull();
                continue;
            }
            if (line.startsWith("| `") && !roleColumns.isEmpty()) {
                String[] cells = line.split("\\|", -1);
                String permission = cells[1].trim().replace("`", "");
                for (int i = 0; i < roleColumns.size(); i++) {
                    String cell = cells[i + 2].trim();
                    assertThat(cell).as(permission + " × " + roleColumns.get(i)).isIn("yes", "");
                    if (cell.equals("yes")) {
                        roles.get(roleColumns.get(i)).add(permission);
                    }
                }
            }
        }
        return new Docs(endpoints, roles);
    }

    /** "GET /api/accounts/{id}" for every (method, pattern) the dispatcher serves; "*" for any method. */
    default Set<String> servedEndpoints() {
        RequestMappingHandlerMapping handlers = bean(RequestMappingHandlerMapping.class);
        Set<String> served = new TreeSet<>();
        for (RequestMappingInfo info : handlers.getHandlerMethods().keySet()) {
            Set<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name).collect(Collectors.toSet());
            for (String pattern : info.getPatternValues()) {
                if (methods.isEmpty()) {
                    served.add("* " + pattern);
                }
                methods.forEach(m -> served.add(m + " " + pattern));
            }
        }
        return served;
    }

    @Test
    default void everyServedEndpointIsInTheTableAndTheDocsSayWhatTheCodeDoes() {
        Set<String> served = servedEndpoints();
        Map<String, String> table = new TreeMap<>();
        PermissionTable.RULES.forEach(r -> assertThat(table.put(r.endpoint(), r.need().text())).as("twice: " + r.endpoint()).isNull());
        assertThat(new TreeSet<>(served)).as("endpoints the server serves that the permission table (web.PermissionTable) lacks")
                .isSubsetOf(table.keySet());
        assertThat(table.keySet()).as("permission table entries no controller serves").isSubsetOf(served);

        Docs docs = docs();
        assertThat(new TreeMap<>(docs.endpoints())).as("docs/API.md, Permissions: endpoint → need").isEqualTo(table);
        assertThat(docs.roles().keySet()).as("the roles in docs/API.md").containsExactlyElementsOf(Roles.ALL);
        for (String role : Roles.ALL) {
            assertThat(docs.roles().get(role)).as("permissions of " + role + " in docs/API.md")
                    .isEqualTo(Roles.permissions(role).stream().map(Permission::code).collect(Collectors.toCollection(TreeSet::new)));
        }
        // Every permission is needed somewhere, and granted to someone besides global-admin or needed by it alone on purpose.
        Set<Permission> needed = PermissionTable.RULES.stream().map(r -> r.need().permission()).filter(p -> p != null)
                .collect(Collectors.toSet());
        assertThat(needed).as("permissions no endpoint needs").containsExactlyInAnyOrder(Permission.values());
    }

    /** Calls that end the caller's own session: made last. */
    Set<String> ENDS_SESSION = Set.of("POST /api/sessions/sign-out-everywhere");

    @Test
    default void everyRoleGetsExactlyWhatTheDocsSayOnEveryEndpoint() {
        Docs docs = docs();
        Client admin = newAdmin().http();
        Map<String, Client> sessions = new LinkedHashMap<>();
        for (String role : Roles.ALL) {
            sessions.put(role, sessionWith(admin, role));
        }
        sessions.put(NO_ROLE, sessionWith(admin, null));
        Client anonymous = client();

        List<String> endpoints = new ArrayList<>(docs.endpoints().keySet());
        endpoints.sort((a, b) -> Boolean.compare(ENDS_SESSION.contains(a), ENDS_SESSION.contains(b)));
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (String endpoint : endpoints) {
            String need = docs.endpoints().get(endpoint);
            for (Map.Entry<String, Client> s : sessions.entrySet()) {
                Client.Response r = call(s.getValue(), endpoint);
                calls++;
                boolean refused = r.status() == 403 && "auth.forbidden".equals(codeOf(r));
                boolean expected = docs.allows(s.getKey(), need);
                // The session must hold on every call (401 auth.required / session.ended would void the walk); an open
                // endpoint's own 401 (a wrong password) is its answer, not a refusal.
                boolean sessionLost = r.status() == 401 && !need.equals("none");
                if (sessionLost || "auth.csrf".equals(codeOf(r)) || refused == expected) {
                    wrong.add(s.getKey() + " → " + endpoint + " (needs " + need + "): expected " + (expected ? "allowed" : "403 auth.forbidden")
                            + ", got " + r.status() + " " + abbreviate(r.body()));
                }
            }
            if (!need.equals("none") && !ENDS_SESSION.contains(endpoint)) {
                Client.Response r = call(anonymous, endpoint);
                calls++;
                if (r.status() != 401 || !"auth.required".equals(codeOf(r))) {
                    wrong.add("anonymous → " + endpoint + ": expected 401, got " + r.status() + " " + abbreviate(r.body()));
                }
            }
        }
        assertThat(wrong).as(calls + " calls").isEmpty();
    }

    /** A console page a role may not open answers the HTML problem page, 403 auth.forbidden; the navigation shows exactly the pages it may open. */
    @Test
    default void theConsoleShowsOnlyTheAreasOneMayOpenAndRefusesTheOthersAsAPage() {
        Docs docs = docs();
        Client admin = newAdmin().http();
        Pattern navLink = Pattern.compile("<a href=\"(/admin/[^\"]+)\"");
        List<String> navPages = PermissionTable.RULES.stream().filter(r -> r.method() == org.springframework.http.HttpMethod.GET)
                .map(PermissionTable.Rule::pattern).filter(p -> p.matches("/admin/[a-z-]+")).toList();
        for (String role : Roles.ALL) {
            Client c = sessionWith(admin, role);
            Client.Response overview = c.getHtml("/admin");
            assertThat(overview.status()).as(role + " /admin").isEqualTo(200);
            String nav = overview.body().substring(overview.body().indexOf("<nav class=\"top\""), overview.body().indexOf("</nav>"));
            Set<String> shown = new TreeSet<>();
            navLink.matcher(nav).results().forEach(m -> shown.add(m.group(1)));
            Set<String> allowed = navPages.stream().filter(p -> docs.allows(role, docs.endpoints().get("GET " + p)))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(shown).as("navigation of " + role).isEqualTo(allowed);
            for (String page : navPages) {
                Client.Response r = c.getHtml(page);
                if (allowed.contains(page)) {
                    assertThat(r.status()).as(role + " " + page).isEqualTo(200);
                } else {
                    assertThat(r.status()).as(role + " " + page).isEqualTo(403);
                    assertThat(r.contentType()).as(role + " " + page).startsWith("text/html");
                    assertThat(r.body()).as(role + " " + page).contains("<code id=\"problem-code\">auth.forbidden</code>");
                }
            }
        }
        // Someone with no role at all has no console.
        Client person = sessionWith(admin, null);
        assertThat(person.getHtml("/admin").status()).isEqualTo(403);
    }

    /** people.manage covers people only: an emergency account or a role holder needs accounts.manage; nothing changes on a refusal. */
    @Test
    default void aPeopleAdministratorManagesPeopleButNotEmergencyAccountsOrAdministrators() {
        Client admin = newAdmin().http();
        Client peopleAdmin = sessionWith(admin, Roles.PEOPLE_ADMIN);
        String emergency = createAccount(admin, "Break glass " + System.nanoTime(), true, "global-admin").path("id").asString();
        String auditor = createAccount(admin, "Auditor " + System.nanoTime(), false, "auditor").path("id").asString();
        String eligible = createAccount(admin, "Eligible " + System.nanoTime(), false).path("id").asString();
        Client.Response assigned = admin.post("/api/pim/assignments", Map.of("accountId", eligible, "role", "global-admin",
                "kind", "eligible", "reason", "on call"));
        assertThat(assigned.status()).as(assigned.toString()).isEqualTo(201);
        FixturesPerson invited = invite(peopleAdmin);

        String before = storedState();
        for (String target : List.of(emergency, auditor, eligible)) {
            for (String path : List.of("/disable", "/enable", "/setup-link", "/reset-methods", "/sign-out-everywhere")) {
                assertProblem(peopleAdmin.post("/api/accounts/" + target + path, "{}"), 403, "auth.forbidden");
            }
            assertProblem(peopleAdmin.put("/api/accounts/" + target + "/email", Map.of("email", "eve@example.org")), 403, "auth.forbidden");
            assertProblem(peopleAdmin.put("/api/accounts/" + target + "/display-name", Map.of("displayName", "Eve")), 403, "auth.forbidden");
            assertProblem(peopleAdmin.put("/api/accounts/" + target + "/sign-in-name", Map.of("signInName", "eve" + System.nanoTime())),
                    403, "auth.forbidden");
            assertProblem(peopleAdmin.put("/api/accounts/" + target + "/roles", Map.of("roles", List.of())), 403, "auth.forbidden");
        }
        for (List<String> roles : List.of(List.of("global-admin"), List.of("people-admin"), List.of("auditor"))) {
            assertProblem(peopleAdmin.post("/api/accounts/invitations", Map.of("displayName", "Mallory", "signInName",
                    "mallory." + System.nanoTime() + "@example.org", "roles", roles)), 403, "auth.forbidden");
        }
        assertProblem(peopleAdmin.post("/api/accounts", Map.of("displayName", "Mine", "emergency", true, "roles", List.of())),
                403, "auth.forbidden");
        assertThat(storedState()).isEqualTo(before);

        // A person: all of it.
        String id = invited.accountId();
        assertThat(peopleAdmin.put("/api/accounts/" + id + "/email", Map.of("email", "ana@example.org")).status()).isEqualTo(200);
        assertThat(peopleAdmin.post("/api/accounts/" + id + "/reset-methods", "{}").status()).isEqualTo(201);
        assertThat(peopleAdmin.post("/api/accounts/" + id + "/disable", "{}").status()).isEqualTo(200);
        assertThat(peopleAdmin.post("/api/accounts/" + id + "/enable", "{}").status()).isEqualTo(200);
        assertThat(peopleAdmin.get("/api/accounts/" + emergency).status()).isEqualTo(200);
        // And a global administrator still manages everyone.
        assertThat(admin.post("/api/accounts/" + auditor + "/disable", "{}").status()).isEqualTo(200);
    }

    /** The new roles are roles like any other: PIM has their settings, and they sign in with a security key where they change emergency settings. */
    @Test
    default void theNewRolesAreAssignableThroughPimAndThePrivilegedOnesNeedAKey() {
        Client admin = newAdmin().http();
        assertThat(admin.get("/api/pim/roles").json().findValuesAsString("role")).containsExactlyInAnyOrderElementsOf(Roles.ALL);
        for (String role : Roles.ALL) {
            String id = createAccount(admin, "Holder " + System.nanoTime(), false).path("id").asString();
            Client.Response r = admin.post("/api/pim/assignments", Map.of("accountId", id, "role", role, "kind", "eligible", "reason", "rota"));
            assertThat(r.status()).as(role + " " + r).isEqualTo(201);
        }
        assertThat(Roles.keyRequired(false, Set.of(Roles.KEY_CUSTODIAN))).isTrue();
        assertThat(Roles.keyRequired(false, Set.of(Roles.ALERT_ADMIN))).isTrue();
        assertThat(Roles.keyRequired(false, Set.of(Roles.PEOPLE_ADMIN, Roles.CLIENT_ADMIN, Roles.AUDITOR))).isFalse();
        for (String role : List.of(Roles.KEY_CUSTODIAN, Roles.ALERT_ADMIN)) {
            Client.Response r = admin.post("/api/accounts/invitations", Map.of("displayName", "P " + System.nanoTime(),
                    "signInName", "p." + System.nanoTime() + "@example.org", "roles", List.of(role)));
            assertProblem(r, 403, "account.key_required");
        }
    }

    record FixturesPerson(String accountId) {}

    private FixturesPerson invite(Client peopleAdmin) {
        Client.Response r = peopleAdmin.post("/api/accounts/invitations", Map.of("displayName", "Ana " + System.nanoTime(),
                "signInName", "ana." + System.nanoTime() + "@example.org"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new FixturesPerson(r.json().path("accountId").asString());
    }

    /** A real security-key session of a new account holding only {@code role} (null: none). */
    default Client sessionWith(Client admin, String role) {
        String accountId = (role == null ? createAccount(admin, "No role " + System.nanoTime(), false)
                : createAccount(admin, role + " " + System.nanoTime(), false, role)).path("id").asString();
        String keyId = registerKey(admin, "Key " + System.nanoTime(), "Desk").path("id").asString();
        SoftwareAuthenticator key = newKey();
        Client.Response enrolled = enrol(client(), issueLink(admin, accountId, keyId), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        Client c = client();
        Client.Response signedIn = signIn(c, key, accounts().get(accountId).userHandle());
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        return c;
    }

    /** One call of an endpoint: path variables filled with an id nothing has, an empty JSON body. */
    static Client.Response call(Client c, String endpoint) {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "perm-walk-none");
        return switch (method) {
            case "GET", "*" -> c.get(path);
            case "POST" -> c.post(path, "{}");
            case "PUT" -> c.put(path, Map.of());
            case "PATCH" -> c.patch(path, Map.of());
            case "DELETE" -> c.delete(path);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    /** The problem document's code, or null for any other answer. */
    static String codeOf(Client.Response r) {
        return r.contentType().startsWith("application/problem+json") ? r.json().path("code").asString(null) : null;
    }

    static String abbreviate(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "…" : body;
    }
}
