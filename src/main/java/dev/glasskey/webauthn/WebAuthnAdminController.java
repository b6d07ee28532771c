package dev.glasskey.webauthn;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** Administration of enrolment links, credentials and the AAGUID allow-list. */
@RestController
class WebAuthnAdminController {
    private final EnrolmentService enrolments;
    private final CredentialService credentials;
    private final AllowedModelService allowList;

    WebAuthnAdminController(EnrolmentService enrolments, CredentialService credentials, AllowedModelService allowList) {
        this.enrolments = enrolments;
        this.credentials = credentials;
        this.allowList = allowList;
    }

    record IssueLink(String accountId, String keyId) {}

    @PostMapping("/api/enrolments")
    @ResponseStatus(HttpStatus.CREATED)
    EnrolmentLink issue(@RequestBody IssueLink body) {
        if (body.accountId() == null || body.keyId() == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "accountId and keyId are required.");
        }
        return enrolments.issue(Actors.current(), body.accountId(), body.keyId());
    }

    record PendingLink(String accountId, String keyId, String purpose, String createdBy, String expiresAt) {}

    @GetMapping("/api/enrolments")
    List<PendingLink> pending() {
        return enrolments.pending().stream().map(e -> new PendingLink(e.accountId(), e.keyId(), e.purpose(), e.createdBy(),
                e.expiresAt().toString())).toList();
    }

    @GetMapping("/api/accounts/{id}/credentials")
    List<CredentialJson> forAccount(@PathVariable String id) {
        return credentials.forAccount(id).stream().map(CredentialJson::of).toList();
    }

    @GetMapping("/api/keys/{id}/credentials")
    List<CredentialJson> forKey(@PathVariable String id) {
        return credentials.forKey(id).stream().map(CredentialJson::of).toList();
    }

    record Reason(String reason) {}

    @PostMapping("/api/credentials/{id}/revoke")
    CredentialJson revoke(@PathVariable String id, @RequestBody(required = false) Reason body) {
        return CredentialJson.of(credentials.revoke(Actors.current(), id, body == null ? null : body.reason()));
    }

    record ModelJson(String aaguid, String name, String rootsPem, String createdAt) {
        static ModelJson of(AllowedModel m) {
            return new ModelJson(m.aaguid(), m.name(), m.rootsPem(), m.createdAt().toString());
        }
    }

    record AllowModel(String name, String rootsPem) {}

    @GetMapping("/api/allow-list")
    List<ModelJson> allowList() {
        return allowList.list().stream().map(ModelJson::of).toList();
    }

    @PutMapping("/api/allow-list/{aaguid}")
    ModelJson allow(@PathVariable String aaguid, @RequestBody AllowModel body) {
        return ModelJson.of(allowList.allow(Actors.current(), aaguid, body.name(), body.rootsPem()));
    }

    @DeleteMapping("/api/allow-list/{aaguid}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void disallow(@PathVariable String aaguid) {
        allowList.remove(Actors.current(), aaguid);
    }
}
