package dev.glasskey.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.glasskey.people.PeopleService;
import dev.glasskey.system.Actor;

/** {@code glasskey account invite}: a person's account and its single-use setup link (issue 15). */
@Command(mixinStandardHelpOptions = true, name = "account", description = "Invite a person (an account with a sign-in name and a setup link), or reset their methods.",
        subcommands = {AccountCommand.Invite.class, AccountCommand.ResetMethods.class})
class AccountCommand {

    /** The server's settings these commands pass on: the data directory, and the base URL links are made for. */
    static class ServerOptions {
        @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
        String dataDir;

        @Option(names = "--base-url", description = "External URL of the server, as the server's glasskey.base-url: the link is made for it.")
        String baseUrl;

        String[] args() {
            List<String> args = new ArrayList<>();
            if (dataDir != null) {
                args.add("--glasskey.data-dir=" + dataDir);
            }
            if (baseUrl != null) {
                args.add("--glasskey.base-url=" + baseUrl);
            }
            return args.toArray(String[]::new);
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "invite",
            description = "Create a person's account with a sign-in name; prints its single-use setup link (password and authenticator app).")
    static class Invite implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--sign-in-name", required = true, description = "The name the person signs in with (e.g. an e-mail address), unique without case.")
        String signInName;

        @Option(names = "--role", split = ",", description = "Role (repeatable): auditor, key-custodian. Administrators use security keys: not invited here.")
        List<String> roles = new ArrayList<>();

        @Option(names = "--email", description = "Where the person's notices go (a recovery code used, a passkey added or removed …): one address.")
        String email;

        @Mixin
        ServerOptions server;

        @Override
        public String whileServerRuns() {
            return "use POST /api/accounts/invitations on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(server.args())) {
                    PeopleService.Invitation invitation = context.getBean(PeopleService.class)
                            .invite(Actor.CLI, name, signInName, Set.copyOf(roles), email);
                    System.out.println("Invited '" + invitation.account().displayName() + "' (sign-in name '" + invitation.account().signInName()
                            + "', account " + invitation.account().id() + ").");
                    System.out.println("Setup link (single use, expires " + invitation.link().expiresAt() + "):");
                    System.out.println(invitation.link().url());
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "reset-methods",
            description = "Remove a person's password, authenticator app and recovery codes, end their sessions; prints a new setup link (audited, flagged).")
    static class ResetMethods implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Option(names = "--account", required = true, description = "Account id.")
        String accountId;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        @Mixin
        ServerOptions server;

        @Override
        public String whileServerRuns() {
            return "use POST /api/accounts/{id}/reset-methods on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(server.args())) {
                    var link = context.getBean(PeopleService.class).resetMethods(Actor.CLI, accountId, reason);
                    System.out.println("Methods reset; new setup link (single use, expires " + link.expiresAt() + "):");
                    System.out.println(link.url());
                }
            });
        }
    }
}
