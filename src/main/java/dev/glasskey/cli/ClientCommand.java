package dev.glasskey.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcClient;
import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;

/** {@code glasskey client add|list|remove}: OpenID Connect relying parties, on the host (audited as the CLI). */
@Command(mixinStandardHelpOptions = true, name = "client", description = "Register, list and remove OpenID Connect clients.",
        subcommands = {ClientCommand.Add.class, ClientCommand.ListClients.class, ClientCommand.Remove.class})
class ClientCommand {

    static class DataDir {
        @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
        String dataDir;

        ConfigurableApplicationContext context() {
            return dataDir == null ? GlasskeyCommand.offlineContext() : GlasskeyCommand.offlineContext("--glasskey.data-dir=" + dataDir);
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "add", description = "Register a client; prints its secret once.")
    static class Add extends DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Option(names = "--name", required = true) String name;
        @Option(names = "--client-id", description = "Default: generated.") String clientId;
        @Option(names = "--public", description = "A public client (no secret; PKCE only).") boolean isPublic;
        @Option(names = "--native", description = "A native app (RFC 8252): a public client with the authorization_code and"
                + " refresh_token grants; its http://127.0.0.1/... or http://[::1]/... redirect URI takes any port (kubelogin).")
        boolean isNative;
        @Option(names = "--redirect-uri", split = ",", description = "Exact redirect URI (repeatable); a public client's loopback IP"
                + " redirect URI matches any port.") List<String> redirectUris;
        @Option(names = "--post-logout-redirect-uri", split = ",") List<String> postLogoutRedirectUris;
        @Option(names = "--grant", split = ",", description = "authorization_code, refresh_token, client_credentials.") List<String> grants;
        @Option(names = "--scope", split = ",", description = "Default: openid,profile,email.") List<String> scopes;
        @Option(names = "--alg", description = "ES256 (default) or RS256.") String alg;
        @Option(names = "--no-pkce", description = "Do not require PKCE (confidential clients that cannot send it).") boolean noPkce;
        @Option(names = "--introspect-any-token", description = "A resource server that may introspect tokens issued to other clients.")
        boolean introspectAnyToken;
        @Option(names = "--groups-claim", paramLabel = "NAME", description = "The claim that carries the roles as groups (default: groups).")
        String groupsClaim;
        @Option(names = "--token-endpoint-auth-method", paramLabel = "METHOD", description = "client_secret_basic (default for a"
                + " confidential client) or private_key_jwt (RFC 7523; implied by --jwks-file or --jwks-uri).")
        String authMethod;
        @Option(names = "--jwks-file", paramLabel = "FILE", description = "private_key_jwt: the client's public keys, a JWK Set (JSON) file.")
        java.nio.file.Path jwksFile;
        @Option(names = "--jwks-uri", paramLabel = "URL", description = "private_key_jwt: where the client publishes its JWK Set.")
        String jwksUri;
        @Option(names = "--require-par", description = "Take this client's authorization requests only through /oauth2/par (RFC 9126).")
        boolean requirePar;
        @Option(names = "--backchannel-logout-uri", paramLabel = "URL", description = "Where logout tokens are POSTed when a session the"
                + " client received tokens in ends (OpenID Connect Back-Channel Logout 1.0): https, or http on a loopback address.")
        String backchannelLogoutUri;
        @Option(names = "--backchannel-logout-session-required", description = "The client needs sid in logout tokens (always sent).")
        boolean backchannelLogoutSessionRequired;

        @Override
        public String whileServerRuns() {
            return "use POST /api/clients on the running server (docs/API.md), or stop it first";
        }

        /** What the options ask for, as the API's body would: the service checks it (one set of rules and refusals). */
        OidcClient.Registration registration() {
            boolean publicClient = isPublic || isNative;
            List<String> grantTypes = grants == null && isNative ? List.of("authorization_code", "refresh_token") : grants;
            java.util.Map<String, Object> jwks = jwksFile == null ? null : readJwks(jwksFile);
            String method = authMethod == null && (jwksFile != null || jwksUri != null) ? "private_key_jwt" : authMethod;
            return new OidcClient.Registration(clientId, name, publicClient ? "public" : "confidential", grantTypes, redirectUris,
                    postLogoutRedirectUris, scopes, alg, noPkce ? Boolean.FALSE : null, introspectAnyToken, groupsClaim, method, jwks,
                    jwksUri, requirePar ? Boolean.TRUE : null, backchannelLogoutUri, backchannelLogoutSessionRequired ? Boolean.TRUE : null);
        }

        @Override
        public Integer call() {
            return run(() -> {
                OidcClient.Registration registration = registration();
                try (ConfigurableApplicationContext context = context()) {
                    OidcClient.Created created = context.getBean(ClientService.class).register(Actor.CLI, registration);
                    print(created.client());
                    if (created.clientSecret() != null) {
                        System.out.println("client_secret: " + created.clientSecret());
                        System.out.println("(shown once: store it in the relying party's configuration now)");
                    }
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List the registered clients.")
    static class ListClients extends DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use GET /api/clients on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(ClientService.class).list().forEach(ClientCommand::print);
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "remove", description = "Remove a client and revoke every token issued to it.")
    static class Remove extends DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Parameters(index = "0", paramLabel = "CLIENT_ID") String clientId;
        @Option(names = "--note", paramLabel = "TEXT", description = "Why (kept in the audit entry, as the console's and the API's note;"
                + " at most 500 printable characters).") String note;

        @Override
        public String whileServerRuns() {
            return "use DELETE /api/clients/" + clientId + " on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(ClientService.class).remove(Actor.CLI, clientId, note);
                    System.out.println("removed " + clientId);
                }
            });
        }
    }

    /** A JWK Set file as the API's {@code jwks} member; a file that is not JSON is refused as the API refuses a bad set. */
    static java.util.Map<String, Object> readJwks(java.nio.file.Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new GlasskeyException(dev.glasskey.system.ErrorCode.REQUEST_INVALID, "--jwks-file: cannot read " + file + ": " + e.getMessage());
        }
        try {
            return com.nimbusds.jose.util.JSONObjectUtils.parse(text);
        } catch (java.text.ParseException e) {
            throw new GlasskeyException(dev.glasskey.system.ErrorCode.REQUEST_INVALID, "--jwks-file: " + file + " is not a JSON object (a JWK Set).");
        }
    }

    static void print(OidcClient c) {
        System.out.println(c.clientId() + "  " + c.type() + "  '" + c.name() + "'  grants " + c.grantTypes() + "  redirect "
                + c.redirectUris() + "  scopes " + c.scopes() + "  " + c.idTokenSignedResponseAlg() + (c.requirePkce() ? "  PKCE" : "")
                + "  auth " + c.tokenEndpointAuthMethod() + (c.jwksUri() != null ? " (keys at " + c.jwksUri() + ")" : "")
                + "  groups claim '" + c.groupsClaim() + "'" + (c.requirePushedAuthorizationRequests() ? "  PAR required" : "")
                + (c.backchannelLogoutUri() != null ? "  back-channel logout " + c.backchannelLogoutUri()
                        + (c.backchannelLogoutSessionRequired() ? " (sid required)" : "") : ""));
    }

    static int run(Runnable body) {
        try {
            body.run();
            return 0;
        } catch (GlasskeyException e) {
            System.err.println(e.errorCode().code() + ": " + e.detail());
            return 2;
        } catch (GlasskeyCommand.DatabaseHeld e) {
            throw e; // one line and exit code 3, said the same way by every command (GlasskeyCommand.run)
        } catch (RuntimeException e) {
            Integer refused = GlasskeyCommand.refusedStart(e);
            if (refused != null) {
                return refused;
            }
            System.err.println("failed: " + GlasskeyCommand.describe(e));
            return 1;
        }
    }
}
