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
        @Option(names = "--redirect-uri", split = ",", description = "Exact redirect URI (repeatable).") List<String> redirectUris;
        @Option(names = "--post-logout-redirect-uri", split = ",") List<String> postLogoutRedirectUris;
        @Option(names = "--grant", split = ",", description = "authorization_code, refresh_token, client_credentials.") List<String> grants;
        @Option(names = "--scope", split = ",", description = "Default: openid,profile.") List<String> scopes;
        @Option(names = "--alg", description = "ES256 (default) or RS256.") String alg;
        @Option(names = "--no-pkce", description = "Do not require PKCE (confidential clients that cannot send it).") boolean noPkce;
        @Option(names = "--introspect-any-token", description = "A resource server that may introspect tokens issued to other clients.")
        boolean introspectAnyToken;

        @Override
        public String whileServerRuns() {
            return "use POST /api/clients on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    OidcClient.Created created = context.getBean(ClientService.class).register(Actor.CLI, new OidcClient.Registration(
                            clientId, name, isPublic ? "public" : "confidential", grants, redirectUris, postLogoutRedirectUris, scopes,
                            alg, noPkce ? Boolean.FALSE : null, introspectAnyToken));
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

        @Override
        public String whileServerRuns() {
            return "use DELETE /api/clients/" + clientId + " on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(ClientService.class).remove(Actor.CLI, clientId, null);
                    System.out.println("removed " + clientId);
                }
            });
        }
    }

    static void print(OidcClient c) {
        System.out.println(c.clientId() + "  " + c.type() + "  '" + c.name() + "'  grants " + c.grantTypes() + "  redirect "
                + c.redirectUris() + "  scopes " + c.scopes() + "  " + c.idTokenSignedResponseAlg() + (c.requirePkce() ? "  PKCE" : ""));
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
