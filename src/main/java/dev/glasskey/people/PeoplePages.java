package dev.glasskey.people;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Problems;

/** The setup page an invited person opens (issue 15): password, authenticator app, first code. */
@Controller
class PeoplePages {
    private final PeopleService people;

    private final dev.glasskey.totp.MethodService methods;
    private final dev.glasskey.account.AccountService accounts;

    PeoplePages(PeopleService people, dev.glasskey.totp.MethodService methods, dev.glasskey.account.AccountService accounts) {
        this.people = people;
        this.methods = methods;
        this.accounts = accounts;
    }

    /** The signed-in person's own methods: security keys and passkeys (add, remove), password and app, recovery codes left. */
    @GetMapping("/security-info")
    String securityInfo(Model model) {
        String accountId = dev.glasskey.system.Actors.current().id();
        model.addAttribute("methods", methods.methods(accountId));
        model.addAttribute("passkeys", people.ownPasskeys(accountId));
        dev.glasskey.account.Account account = accounts.get(accountId);
        model.addAttribute("keyRequired", dev.glasskey.account.Roles.keyRequired(account.emergency(), account.roles()));
        model.addAttribute("me", dev.glasskey.system.Actors.current().name());
        return "security-info";
    }

    @GetMapping("/setup/{token}")
    String setup(@PathVariable String token, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            model.addAttribute("view", people.view(token));
            model.addAttribute("token", token);
        } catch (GlasskeyException e) {
            // Recorded by the service already; marked all the same, as every refusal.
            Problems.showOnPage(request, response, model, e);
        }
        return "setup";
    }
}
