package dev.glasskey.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.H2ServerTest;
import dev.glasskey.testing.Prometheus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: the OpenAPI document, served on the management port, describes exactly the REST API:
 * every {@code /api} mapping of the controllers is in it and nothing else, and docs/API.md's
 * tables name the same endpoints — so a controller added without its line in API.md (or a line
 * left behind by a removed endpoint) fails here. Endpoints are compared as "METHOD /path" with
 * path variables unnamed ({@code /api/clients/{}}: the docs say {@code {id}} where a controller
 * says {@code {clientId}}).
 */
class OpenApiDocumentTest extends H2ServerTest {
    private static final Pattern ENDPOINT = Pattern.compile("^((?:GET|POST|PUT|PATCH|DELETE)(?:\\\\?\\|(?:GET|POST|PUT|PATCH|DELETE))*) (/\\S*)$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Autowired
    ApplicationContext context;

    @Test
    void theDocumentIsServedOnTheManagementPortAndMatchesTheControllers() {
        Set<String> document = documented(document());
        Set<String> controllers = controllers();
        assertThat(controllers).as("the controllers' /api mappings").isNotEmpty().contains("POST /api/webauthn/sign-in", "GET /api/clients/{}");
        assertThat(document).as("in the OpenAPI document but not a controller mapping").isSubsetOf(controllers);
        assertThat(controllers).as("a controller mapping missing from the OpenAPI document").isSubsetOf(document);
    }

    @Test
    void theDocumentAndDocsApiMdNameTheSameEndpoints() throws Exception {
        Set<String> document = documented(document());
        Set<String> apiMd = apiMd(Files.readString(Path.of("docs/API.md")));
        assertThat(apiMd).as("docs/API.md's endpoints").contains("POST /api/accounts/{}/enable", "GET /api/audit",
                "PATCH /api/keys/{}", "GET /api/drills/{}");
        assertThat(apiMd).as("in docs/API.md but not in the OpenAPI document").isSubsetOf(document);
        assertThat(document).as("in the OpenAPI document but not in docs/API.md").isSubsetOf(apiMd);
    }

    @Test
    void theDocumentDescribesTheProblemDocumentsAndTheSessionCookie() {
        JsonNode doc = document();
        assertThat(doc.path("openapi").asString()).startsWith("3.");
        assertThat(doc.path("info").path("title").asString()).isEqualTo("Glasskey REST API");
        assertThat(doc.path("info").path("description").asString()).contains("docs/API.md").contains("problem");
        assertThat(doc.path("components").path("securitySchemes").path("session").path("in").asString()).isEqualTo("cookie");
    }

    private JsonNode document() {
        Client.Response r = Prometheus.get(Prometheus.managementUrl(context) + "/openapi");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static Set<String> documented(JsonNode doc) {
        Set<String> endpoints = new TreeSet<>();
        doc.path("paths").properties().forEach(path -> path.getValue().propertyNames().stream().filter(HTTP_METHODS::contains)
                .forEach(method -> endpoints.add(method.toUpperCase() + " " + unnamed(path.getKey()))));
        return endpoints;
    }

    private Set<String> controllers() {
        Set<String> endpoints = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (!pattern.startsWith("/api/")) {
                        continue;
                    }
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        endpoints.add(method.name() + " " + unnamed(pattern));
                    }
                }
            }
        }
        return endpoints;
    }

    /**
     * The endpoints docs/API.md's tables name in their first column: {@code `GET /api/x`},
     * {@code `GET\|POST /x`}, and a path alone after one ({@code `/enable`}) standing for its
     * sibling with the same methods. The query is dropped.
     */
    static Set<String> apiMd(String markdown) {
        Set<String> endpoints = new TreeSet<>();
        for (String line : markdown.lines().toList()) {
            if (!line.startsWith("| `")) {
                continue;
            }
            // The first column, up to an unescaped '|' (a cell may hold "GET\|POST").
            String cell = firstCell(line);
            List<String> methods = List.of();
            String previous = null;
            Matcher code = CODE.matcher(cell);
            while (code.find()) {
                String item = code.group(1).trim();
                Matcher m = ENDPOINT.matcher(item);
                String path;
                if (m.matches()) {
                    methods = new ArrayList<>(List.of(m.group(1).replace("\\|", "|").split("\\|")));
                    path = m.group(2);
                } else if (item.startsWith("/") && previous != null) {
                    path = previous.substring(0, previous.lastIndexOf('/')) + item;
                } else {
                    continue;
                }
                path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                previous = path;
                if (path.startsWith("/api/")) {
                    for (String method : methods) {
                        endpoints.add(method + " " + unnamed(path));
                    }
                }
            }
        }
        return endpoints;
    }

    private static String firstCell(String line) {
        StringBuilder cell = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '|' && line.charAt(i - 1) != '\\') {
                break;
            }
            cell.append(c);
        }
        return cell.toString();
    }

    private static String unnamed(String path) {
        return path.replaceAll("\\{[^}]*}", "{}");
    }
}
