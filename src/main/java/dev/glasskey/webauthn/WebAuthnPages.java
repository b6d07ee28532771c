package dev.glasskey.webauthn;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import dev.glasskey.system.GlasskeyException;

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
            if (auth.signedIn().roles().contains(dev.glasskey.account.Roles.GLOBAL_ADMIN)) {
                return "redirect:/admin";
            }
            model.addAttribute("signedIn", auth.signedIn());
            return "signed-in";
        }
        return "redirect:/sign-in";
    }

    @GetMapping("/sign-in")
    String signIn() {
        return "sign-in";
    }

    @GetMapping("/enrol/{token}")
    String enrol(@PathVariable String token, Model model, HttpServletResponse response) {
        try {
            model.addAttribute("view", enrolments.view(token));
            model.addAttribute("token", token);
        } catch (GlasskeyException e) {
            response.setStatus(e.errorCode().status().value());
            model.addAttribute("error", e.errorCode());
            model.addAttribute("message", e.detail());
        }
        return "enrol";
    }
}
