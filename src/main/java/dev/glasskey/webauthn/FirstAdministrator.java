package dev.glasskey.webauthn;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.key.KeyService;
import dev.glasskey.mds.MdsService;
import dev.glasskey.system.Actor;

/**
 * First start: while no enabled administrator holds a usable credential, each start prints a
 * fresh single-use enrolment link for the first administrator. There is no default password.
 */
@Component
@Order(10)
public class FirstAdministrator implements ApplicationRunner {
    public static final String NAME = "Administrator";
    private static final Logger log = LoggerFactory.getLogger(FirstAdministrator.class);

    private final AccountService accounts;
    private final CredentialStore credentials;
    private final AllowedModelStore allowedModels;
    private final KeyService keys;
    private final EnrolmentService enrolments;
    private final MdsService mds;
    private final boolean enabled;
    private final AtomicReference<EnrolmentLink> lastLink = new AtomicReference<>();

    FirstAdministrator(AccountService accounts, CredentialStore credentials, AllowedModelStore allowedModels, KeyService keys,
                       EnrolmentService enrolments, MdsService mds, @Value("${glasskey.first-start.enabled:true}") boolean enabled) {
        this.accounts = accounts;
        this.allowedModels = allowedModels;
        this.credentials = credentials;
        this.keys = keys;
        this.enrolments = enrolments;
        this.mds = mds;
        this.enabled = enabled;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!enabled || anAdministratorCanSignIn()) {
            return;
        }
        Account admin = accounts.list().stream()
                .filter(a -> a.enabled() && a.hasRole(Roles.GLOBAL_ADMIN) && !a.emergency())
                .findFirst()
                .orElseGet(() -> accounts.create(Actor.SYSTEM, NAME, false, Set.of(Roles.GLOBAL_ADMIN)));
        EnrolmentLink link = enrolments.issueAdministratorLink(Actor.SYSTEM, admin.id(), Enrolment.FIRST_ADMIN);
        lastLink.set(link);
        String banner = """

                ============================================================================
                 Glasskey has no administrator who can sign in yet.
                 Open this single-use link within %d minutes and enrol a security key:

                   %s

                 (A new link is printed at every start until an administrator is enrolled.)
                ============================================================================
                """.formatted(java.time.Duration.between(java.time.Instant.now(), link.expiresAt()).toMinutes() + 1, link.url());
        System.out.println(banner);
        log.warn("First-administrator enrolment link issued for account {} (expires {})", admin.id(), link.expiresAt());
    }

    /** The link printed at this start, if any (for tests and the CLI). */
    public Optional<EnrolmentLink> lastLink() {
        return Optional.ofNullable(lastLink.get());
    }

    /** An enabled administrator with a credential sign-in would accept (the emergency standard included). */
    boolean anAdministratorCanSignIn() {
        java.util.Set<String> allowed = allowedModels.aaguids();
        java.util.Set<String> compromised = mds.status().compromisedAaguids();
        return accounts.list().stream()
                .filter(a -> a.enabled() && a.hasRole(Roles.GLOBAL_ADMIN))
                .anyMatch(a -> credentials.forAccount(a.id()).stream()
                        .anyMatch(c -> c.status() == Credential.Status.ACTIVE && keys.get(c.keyId()).active()
                                && AuthenticatorStandard.meets(c, allowed, compromised)));
    }
}
