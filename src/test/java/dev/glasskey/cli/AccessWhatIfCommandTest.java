package dev.glasskey.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.access.AccessService;
import dev.glasskey.access.PolicyDocument;
import dev.glasskey.account.AccountService;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code glasskey access what-if} (issue 17 §4): the server's one evaluator from the host; refusals exit 2 with their code. */
class AccessWhatIfCommandTest {

    @Test
    void saysWhichPoliciesApplyWhyAndTheOutcome(@TempDir Path dataDir) {
        String accountId;
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            accountId = context.getBean(AccountService.class).create(Actor.CLI, "Auditor Ann", false, Set.of("auditor")).id();
            AccessService access = context.getBean(AccessService.class);
            String office = access.createLocation(Actor.CLI, new AccessService.LocationDocument("Office", true, List.of("198.51.100.0/24")))
                    .location().id();
            access.createPolicy(Actor.CLI, new PolicyDocument("Auditors from the office", "on",
                    new PolicyDocument.Include(false, false, List.of(), List.of("auditor")), null, new PolicyDocument.Targets(true, false, null),
                    new PolicyDocument.When(new PolicyDocument.NetworkCondition(true, false, null, false, List.of(office)), null, null),
                    new PolicyDocument.Grant(true, null, null), null));
        }
        CommandOutput away = CommandOutput.capture(() -> GlasskeyCommand.run("access", "what-if", "--account", accountId,
                "--address", "203.0.113.9", "--method", "password-code", "--data-dir", dataDir.toString()));
        assertThat(away.exitCode()).as(away.text()).isZero();
        assertThat(away.out()).contains("Enforced: blocked (1 policy)").contains("'Auditors from the office' (on): applies, block")
                .contains("holds the included role 'auditor'");

        CommandOutput inside = CommandOutput.capture(() -> GlasskeyCommand.run("access", "what-if", "--account", accountId,
                "--address", "198.51.100.20", "--method", "security-key", "--data-dir", dataDir.toString()));
        assertThat(inside.exitCode()).as(inside.text()).isZero();
        assertThat(inside.out()).contains("Enforced: allowed").contains("the address is in the excluded location 'Office'");

        CommandOutput bad = CommandOutput.capture(() -> GlasskeyCommand.run("access", "what-if", "--account", accountId,
                "--address", "office.example", "--method", "security-key", "--data-dir", dataDir.toString()));
        assertThat(bad.exitCode()).as(bad.text()).isEqualTo(2);
        assertThat(bad.err()).contains("request.invalid");
        CommandOutput nobody = CommandOutput.capture(() -> GlasskeyCommand.run("access", "what-if", "--account", "nobody",
                "--method", "passkey", "--data-dir", dataDir.toString()));
        assertThat(nobody.exitCode()).as(nobody.text()).isEqualTo(2);
        assertThat(nobody.err()).contains("account.not_found");
    }
}
