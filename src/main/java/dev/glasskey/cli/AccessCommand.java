package dev.glasskey.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.glasskey.access.AccessService;
import dev.glasskey.access.Decision;
import dev.glasskey.access.DecisionJson;

/** {@code glasskey access what-if}: which Conditional Access policies apply to a described sign-in, why, and the outcome (issue 17 §4). */
@Command(mixinStandardHelpOptions = true, name = "access", description = "Conditional Access: ask what the policies would do.",
        subcommands = {AccessCommand.WhatIf.class})
class AccessCommand {

    @Command(mixinStandardHelpOptions = true, name = "what-if",
            description = "Evaluate the policies for a described sign-in with the server's one evaluator; nothing is recorded.")
    static class WhatIf implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Option(names = "--account", required = true, description = "Account id or sign-in name.")
        String account;

        @Option(names = "--resource", defaultValue = "console", description = "console (default), or client:<client id>.")
        String resource;

        @Option(names = "--address", description = "Client IP address (IPv4 or IPv6 literal); none: an address in no named location.")
        String address;

        @Option(names = "--compliant-device", description = "The device presents a certificate of a device CA.")
        boolean compliantDevice;

        @Option(names = "--method", required = true, description = "security-key, passkey or password-code.")
        String method;

        @Option(names = "--attested-model", description = "The security key's attested model (AAGUID).")
        String attestedModel;

        @Option(names = "--auth-age", description = "Seconds since the person authenticated (sign-in frequency); default 0.")
        Long authAgeSeconds;

        @Option(names = "--active-role", split = ",", description = "Role active through PIM (repeatable).")
        List<String> activeRoles = new ArrayList<>();

        @Mixin
        AccountCommand.ServerOptions server;

        @Override
        public String whileServerRuns() {
            return "use POST /api/access/what-if on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(server.args())) {
                    Decision decision = context.getBean(AccessService.class).whatIf(new AccessService.WhatIf(account, resource, address,
                            compliantDevice, method, attestedModel, authAgeSeconds, activeRoles));
                    print(DecisionJson.of(decision));
                }
            });
        }

        private static void print(DecisionJson d) {
            System.out.println("Enforced: " + d.enforced().summary());
            System.out.println("Report-only: " + d.reportOnly().summary());
            for (DecisionJson.PolicyJson p : d.policies()) {
                System.out.println("- '" + p.name() + "' (" + p.state() + "): " + (p.applied() ? "applies, " + p.outcome() : "does not apply"));
                for (DecisionJson.ConditionJson c : p.conditions()) {
                    System.out.println("    " + c.condition() + ": " + (c.matched() ? "matched" : "not matched") + " — " + c.why());
                }
                for (DecisionJson.UnmetJson u : p.unmet()) {
                    System.out.println("    requires " + String.join(" or ", u.anyOf()));
                }
            }
        }
    }
}
