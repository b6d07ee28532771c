package dev.glasskey.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code glasskey account invite} (issue 15): a person's account and a setup link, from the host; refusals exit 2 with their code. */
class AccountInviteCommandTest {

    @Test
    void invitesAPersonWithASetupLinkResetsTheirMethodsAndRefusesAdministratorsAndTakenNames(@TempDir Path dataDir) {
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("account", "invite", "--name", "Ana Lima",
                "--sign-in-name", "ana@example.org", "--role", "auditor", "--data-dir", dataDir.toString(),
                "--base-url", "https://idp.example.org"));
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(out.out()).contains("sign-in name 'ana@example.org'").contains("https://idp.example.org/setup/");

        CommandOutput taken = CommandOutput.capture(() -> GlasskeyCommand.run("account", "invite", "--name", "Ana again",
                "--sign-in-name", "ANA@example.org", "--data-dir", dataDir.toString()));
        assertThat(taken.exitCode()).as(taken.text()).isEqualTo(2);
        assertThat(taken.err()).contains("account.sign_in_name_taken");

        CommandOutput admin = CommandOutput.capture(() -> GlasskeyCommand.run("account", "invite", "--name", "Would-be admin",
                "--sign-in-name", "admin@example.org", "--role", "global-admin", "--data-dir", dataDir.toString()));
        assertThat(admin.exitCode()).as(admin.text()).isEqualTo(2);
        assertThat(admin.err()).contains("account.key_required");

        String accountId = out.out().replaceAll("(?s).*account ([0-9a-f-]{36})\\).*", "$1");
        CommandOutput reset = CommandOutput.capture(() -> GlasskeyCommand.run("account", "reset-methods", "--account", accountId,
                "--reason", "phone lost", "--data-dir", dataDir.toString()));
        assertThat(reset.exitCode()).as(reset.text()).isZero();
        assertThat(reset.out()).contains("/setup/");
        CommandOutput unknown = CommandOutput.capture(() -> GlasskeyCommand.run("account", "reset-methods", "--account", "nobody",
                "--reason", "typo", "--data-dir", dataDir.toString()));
        assertThat(unknown.exitCode()).as(unknown.text()).isEqualTo(2);
        assertThat(unknown.err()).contains("account.not_found");

        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from account where sign_in_name is not null").query(Long.class).single()).isEqualTo(1);
            // The reset's link superseded the invitation's.
            assertThat(jdbc.sql("select count(*) from enrolment e join account a on a.id = e.account_id"
                    + " where e.purpose = 'setup' and e.used_at is null and a.sign_in_name = 'ana@example.org'").query(Long.class).single())
                    .isEqualTo(1);
            assertThat(jdbc.sql("select count(*) from audit_event where action = 'account.reset_methods' and flagged = true"
                    + " and detail like '%phone lost'").query(Long.class).single()).isEqualTo(1);
            // The invitation's link and the reset's, both issued from the command line.
            assertThat(jdbc.sql("select count(*) from audit_event where action = 'enrolment.issue' and actor = 'cli (local command line)'"
                    + " and detail like 'setup link%'").query(Long.class).single()).isEqualTo(2);
        }
    }
}
