package dev.glasskey.oidc;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;

/** OpenID Connect clients and signing keys, for administrators ({@code global-admin}, CSRF as all of /api). */
@RestController
class ClientController {
    private final ClientService clients;
    private final SigningKeys keys;

    ClientController(ClientService clients, SigningKeys keys) {
        this.clients = clients;
        this.keys = keys;
    }

    @GetMapping("/api/clients")
    List<OidcClient> list() {
        return clients.list();
    }

    @PostMapping("/api/clients")
    @ResponseStatus(HttpStatus.CREATED)
    OidcClient.Created register(@RequestBody OidcClient.Registration registration) {
        return clients.register(Actors.current(), registration);
    }

    @GetMapping("/api/clients/{clientId}")
    OidcClient get(@PathVariable String clientId) {
        return clients.get(clientId);
    }

    @DeleteMapping("/api/clients/{clientId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(@PathVariable String clientId, @RequestParam(required = false) String note) {
        clients.remove(Actors.current(), clientId, note);
    }

    @GetMapping("/api/oidc/keys")
    List<SigningKey.View> keys() {
        return keys.list();
    }

    /** Body {@code {"activateInSeconds": n, "note": "…"}} (both optional; default 0, no note). */
    @PostMapping("/api/oidc/keys/rotate")
    List<SigningKey.View> rotate(@RequestBody(required = false) Map<String, Object> body) {
        long seconds = 0;
        if (body != null && body.get("activateInSeconds") instanceof Number n) {
            seconds = n.longValue();
        }
        Object note = body == null ? null : body.get("note");
        if (note != null && !(note instanceof String)) {
            throw new dev.glasskey.system.GlasskeyException(dev.glasskey.system.ErrorCode.REQUEST_INVALID, "note must be a string.", "note");
        }
        return keys.rotate(Actors.current(), java.time.Duration.ofSeconds(seconds), (String) note);
    }
}
