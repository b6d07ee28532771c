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
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** A client's application roles (docs/API.md, "OpenID Connect clients"), for administrators like the rest of the client API. */
@RestController
class ClientRoleController {
    private final ClientRoles roles;

    ClientRoleController(ClientRoles roles) {
        this.roles = roles;
    }

    record RoleBody(String name, String description) {}

    @GetMapping("/api/clients/{clientId}/roles")
    List<ClientRoles.ClientRole> list(@PathVariable String clientId) {
        return roles.list(clientId);
    }

    @PostMapping("/api/clients/{clientId}/roles")
    @ResponseStatus(HttpStatus.CREATED)
    ClientRoles.ClientRole define(@PathVariable String clientId, @RequestBody RoleBody body) {
        if (body == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "name is required.", "name");
        }
        return roles.define(Actors.current(), clientId, body.name(), body.description());
    }

    @DeleteMapping("/api/clients/{clientId}/roles/{name}")
    Map<String, Integer> remove(@PathVariable String clientId, @PathVariable String name, @RequestParam(required = false) String note) {
        return Map.of("assignmentsEnded", roles.remove(Actors.current(), clientId, name, note));
    }
}
