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

    PeoplePages(PeopleService people) {
        this.people = people;
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
