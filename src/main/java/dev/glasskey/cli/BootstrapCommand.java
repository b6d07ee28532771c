package dev.glasskey.cli;

import java.util.Set;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Local recovery when every administrator is locked out: issues a fresh single-use link that
 * enrols a new key for an administrator. Needs access to the data directory (so, the host);
 * its use is audited and flagged.
 */
@Command(mixinStandardHelpOptions = true, name = "bootstrap", description = "Issue a recovery enrolment link for an administrator (local, audited).")
class BootstrapCommand implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
    @Option(names = "--account", description = "Account id to recover (default: the first enabled global-admin, or a new 'Recovery administrator').")
    String accountId;

    @Option(names = "--reason", required = true, description = "Why recovery is needed (recorded in the audit log).")
    String reason;

    @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server, ./data or GLASSKEY_DATA_DIR).")
    String dataDir;

    @Option(names = "--base-url", description = "External URL of the server, as the server's glasskey.base-url: the link is made for it "
            + "(default: as the server, http://localhost:<server.port> when unset).")
    String baseUrl;

    @Override
    public String whileServerRuns() {
        return "stop the server, run 'glasskey bootstrap' again, then start the server (an administrator who can still sign in"
                + " issues enrolment links with POST /api/enrolments instead)";
    }

    @Override
    public Integer call() {
        java.util.List<String> args = new java.util.ArrayList<>();
        if (dataDir != null) {
            args.add("--glasskey.data-dir=" + dataDir);
        }
        if (baseUrl != null) {
            args.add("--glasskey.base-url=" + baseUrl);
        }
        try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(args.toArray(String[]::new))) {
            AccountService accounts = context.getBean(AccountService.class);
            Audit audit = context.getBean(Audit.class);
            Account account = accountId != null ? accounts.get(accountId) : accounts.list().stream()
                    .filter(a -> a.enabled() && a.hasRole(Roles.GLOBAL_ADMIN) && !a.emergency()).findFirst()
                    .orElseGet(() -> accounts.create(Actor.CLI, "Recovery administrator", false, Set.of(Roles.GLOBAL_ADMIN)));
            if (!account.enabled()) {
                accounts.setEnabled(Actor.CLI, account.id(), true);
            }
            if (!account.hasRole(Roles.GLOBAL_ADMIN)) {
                Set<String> roles = new java.util.HashSet<>(account.roles());
                roles.add(Roles.GLOBAL_ADMIN);
                accounts.setRoles(Actor.CLI, account.id(), roles);
            }
            audit.record(AuditEvent.success(Actor.CLI, "bootstrap.use", account.id(), account.emergency(), reason).flag());
            EnrolmentLink link = context.getBean(EnrolmentService.class).issueAdministratorLink(Actor.CLI, account.id(), Enrolment.BOOTSTRAP);
            System.out.println("Recovery enrolment link for '" + account.displayName() + "' (single use, expires " + link.expiresAt() + "):");
            System.out.println(link.url());
            return 0;
        } catch (RuntimeException e) {
            if (e instanceof GlasskeyCommand.DatabaseHeld) {
                throw e;
            }
            dev.glasskey.system.StartupRefusal refusal = dev.glasskey.system.StartupRefusal.in(e);
            if (refusal != null) {
                // A bad setting is a usage error (2); a data directory open to others or a wrong key-encryption key keeps its own code.
                System.err.println("bootstrap refused: " + refusal.getMessage() + " " + refusal.action());
                return refusal.exitCode() == dev.glasskey.system.StartupRefusal.SETTING ? 2 : refusal.exitCode();
            }
            System.err.println("bootstrap failed: " + GlasskeyCommand.describe(e));
            return 1;
        }
    }
}
