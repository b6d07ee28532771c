package dev.glasskey.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.glasskey.pim.Assignment;
import dev.glasskey.pim.PimService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * {@code glasskey pim list|assign} (issue 16), on the embedded database while the server is stopped.
 * Activation, approval and denial are a signed-in person's acts, proven with a security key: they
 * are the API's ({@code /api/pim/me/activations}, {@code /api/pim/approvals}), not a local command's.
 */
@Command(mixinStandardHelpOptions = true, name = "pim", description = "Privileged roles: list the assignments, or assign a role (eligible or active).",
        subcommands = {PimCommand.ListAssignments.class, PimCommand.Assign.class})
class PimCommand {

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Every live assignment: account, role, kind, end, source.")
    static class ListAssignments implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Mixin
        AccountCommand.ServerOptions server;

        @Override
        public String whileServerRuns() {
            return "use GET /api/pim/assignments on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(server.args())) {
                    for (Assignment a : context.getBean(PimService.class).assignments()) {
                        System.out.println(a.accountId() + "  " + a.role() + "  " + a.kind() + "  "
                                + (a.permanent() ? "permanent" : "until " + a.endsAt()) + "  " + a.source()
                                + (a.emergencyActivatable() ? "  emergency-activatable" : "") + (a.id() == null ? "" : "  " + a.id()));
                    }
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "assign", description = "Assign a role to an account: eligible (may activate) or active; permanent unless --until.")
    static class Assign implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Option(names = "--account", required = true, description = "Account id.")
        String accountId;

        @Option(names = "--role", required = true, description = "Role: global-admin, key-custodian, auditor.")
        String role;

        @Option(names = "--kind", defaultValue = "eligible", description = "eligible (default) or active.")
        String kind;

        @Option(names = "--until", description = "End of the assignment, ISO-8601 (2026-12-31T18:00:00Z); permanent without it.")
        String until;

        @Option(names = "--emergency-activatable", description = "An emergency account's eligible assignment it activates without any approver.")
        boolean emergencyActivatable;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        @Mixin
        AccountCommand.ServerOptions server;

        @Override
        public String whileServerRuns() {
            return "use POST /api/pim/assignments on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                Instant end;
                try {
                    end = until == null ? null : Instant.parse(until);
                } catch (DateTimeParseException e) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "--until must be an ISO-8601 instant (2026-12-31T18:00:00Z).", "until");
                }
                try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(server.args())) {
                    Assignment a = context.getBean(PimService.class).assign(Actor.CLI,
                            new PimService.NewAssignment(accountId, role, kind, end, emergencyActivatable, reason));
                    System.out.println("Assigned '" + a.role() + "' (" + a.kind() + ", " + (a.permanent() ? "permanent" : "until " + a.endsAt())
                            + ") to account " + a.accountId() + (a.id() == null ? "" : "; assignment " + a.id()) + ".");
                }
            });
        }
    }
}
