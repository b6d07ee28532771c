package dev.glasskey.account;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;

/** JSON API for accounts. */
@RestController
class AccountController {
    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    /** An account; {@code warnings} is filled only when one is created (issue 18: another account has the same name). */
    record AccountJson(String id, String displayName, boolean emergency, boolean enabled, Set<String> roles,
                       String createdAt, String updatedAt, List<String> warnings, String signInName, String email, boolean emailVerified) {
        static AccountJson of(Account a) {
            return of(a, List.of());
        }

        static AccountJson of(Account a, List<String> warnings) {
            return new AccountJson(a.id(), a.displayName(), a.emergency(), a.enabled(), new TreeSet<>(a.roles()),
                    a.createdAt().toString(), a.updatedAt().toString(), warnings, a.signInName(), a.email(), a.emailVerified());
        }
    }

    record NewAccount(String displayName, Boolean emergency, Set<String> roles) {}

    record RolesBody(Set<String> roles) {}

    record NameBody(String displayName) {}

    record SignInNameBody(String signInName) {}

    record EmailBody(String email, Boolean verified) {}

    @GetMapping("/api/accounts")
    List<AccountJson> list() {
        return accounts.list().stream().map(AccountJson::of).toList();
    }

    @PostMapping("/api/accounts")
    @ResponseStatus(HttpStatus.CREATED)
    AccountJson create(@RequestBody NewAccount body) {
        Account created = accounts.create(Actors.current(), body.displayName(), Boolean.TRUE.equals(body.emergency()), body.roles());
        List<String> warnings = accounts.namesakes(created.id(), created.displayName()).stream()
                .map(a -> "account.duplicate_name: account " + a.id() + " is also named '" + a.displayName() + "'").toList();
        return AccountJson.of(created, warnings);
    }

    @GetMapping("/api/accounts/{id}")
    AccountJson get(@PathVariable String id) {
        return AccountJson.of(accounts.get(id));
    }

    /** A note on a destructive change, kept in its audit entry. */
    record Note(String note) {}

    @PostMapping("/api/accounts/{id}/disable")
    AccountJson disable(@PathVariable String id, @RequestBody(required = false) Note body) {
        return AccountJson.of(accounts.setEnabled(Actors.current(), id, false, body == null ? null : body.note()));
    }

    @PostMapping("/api/accounts/{id}/enable")
    AccountJson enable(@PathVariable String id) {
        return AccountJson.of(accounts.setEnabled(Actors.current(), id, true));
    }

    @PutMapping("/api/accounts/{id}/roles")
    AccountJson roles(@PathVariable String id, @RequestBody RolesBody body) {
        return AccountJson.of(accounts.setRoles(Actors.current(), id, body.roles()));
    }

    /** A person's sign-in name (issue 15); refused for emergency accounts ({@code account.key_only}). */
    @PutMapping("/api/accounts/{id}/sign-in-name")
    AccountJson signInName(@PathVariable String id, @RequestBody SignInNameBody body) {
        return AccountJson.of(accounts.setSignInName(Actors.current(), id, body.signInName()));
    }

    /**
     * The address relying parties get as {@code email} (issue 20); {@code verified} only when the administrator
     * checked it. {@code {"email": null}} removes it.
     */
    @PutMapping("/api/accounts/{id}/email")
    AccountJson email(@PathVariable String id, @RequestBody EmailBody body) {
        return AccountJson.of(accounts.setEmail(Actors.current(), id, body.email(), body.verified()));
    }

    @PutMapping("/api/accounts/{id}/display-name")
    AccountJson rename(@PathVariable String id, @RequestBody NameBody body) {
        return AccountJson.of(accounts.rename(Actors.current(), id, body.displayName()));
    }
}
