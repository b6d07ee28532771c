package dev.glasskey.webauthn;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Problems;

/** The two pages a person sees before signing in: sign-in and enrolment. */
@Controller
class WebAuthnPages {
    private final EnrolmentService enrolments;

    WebAuthnPages(EnrolmentService enrolments) {
        this.enrolments = enrolments;
    }

    @GetMapping("/")
    String home(Model model) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication auth) {
            // Whoever holds any console permission (issue 16) starts at the console's overview.
            if (!dev.glasskey.account.Roles.permissions(auth.signedIn().roles()).isEmpty()) {
                return "redirect:/admin";
            }
            model.addAttribute("signedIn", auth.signedIn());
            return "signed-in";
        }
        return "redirect:/sign-in";
    }

    /**
     * The sign-in page. {@code next}: where to go after signing in (an OpenID Connect
     * authorization request sends the browser here and wants it back), accepted only as a
     * same-origin relative path, so the page cannot be turned into an open redirect.
     */
    @GetMapping("/sign-in")
    String signIn(@RequestParam(name = "next", required = false) String next, Model model) {
        model.addAttribute("next", sameOriginPath(next));
        return "sign-in";
    }

    /** {@code value} if it is a path on this origin ("/..."), else null. */
    static String sameOriginPath(String value) {
        if (value == null || value.isEmpty() || value.length() > 4000 || value.charAt(0) != '/'
                || value.startsWith("//") || value.contains("\\") || value.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(value);
            return uri.getScheme() == null && uri.getRawAuthority() == null ? value : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    @GetMapping("/enrol/{token}")
    String enrol(@PathVariable String token, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            model.addAttribute("view", enrolments.view(token));
            model.addAttribute("token", token);
        } catch (GlasskeyException e) {
            // Recorded by the service already; marked all the same, as every refusal.
            Problems.showOnPage(request, response, model, e);
        }
        return "enrol";
    }
}
