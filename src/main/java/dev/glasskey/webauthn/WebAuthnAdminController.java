package dev.glasskey.webauthn;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
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

    private final java.time.Clock clock;

    WebAuthnAdminController(EnrolmentService enrolments, CredentialService credentials, AllowedModelService allowList, java.time.Clock clock) {
        this.clock = clock;
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

    /**
     * @param id    the SHA-256 of the link's token (hex): names the link without being it
     * @param state {@link Enrolment#state}: pending, used, expired or revoked
     */
    record LinkJson(String id, String accountId, String keyId, String purpose, String createdBy, String createdAt, String expiresAt,
                    String state, String usedAt, String revokedAt, String revokedBy) {
        static LinkJson of(Enrolment e, java.time.Instant now) {
            return new LinkJson(e.tokenHash(), e.accountId(), e.keyId(), e.purpose(), e.createdBy(), e.createdAt().toString(),
                    e.expiresAt().toString(), e.state(now), text(e.usedAt()), text(e.revokedAt()), e.revokedBy());
        }

        private static String text(java.time.Instant at) {
            return at == null ? null : at.toString();
        }
    }

    /** Pending links by default; {@code ?state=used|expired|revoked|all} for the others (newest first, as the console lists them). */
    @GetMapping("/api/enrolments")
    List<LinkJson> list(@RequestParam(required = false) String state) {
        java.time.Instant now = dev.glasskey.system.Times.now(clock);
        if (state == null || state.isEmpty() || state.equals("pending")) {
            return enrolments.pending().stream().map(e -> LinkJson.of(e, now)).toList();
        }
        if (!state.equals("all") && !Enrolment.STATES.contains(state)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "state must be one of " + Enrolment.STATES + " or all.", "state");
        }
        return enrolments.recent().stream().map(e -> LinkJson.of(e, now)).filter(l -> state.equals("all") || l.state().equals(state)).toList();
    }

    record Note(String note) {}

    /** Ends a pending link now; body {@code {"note": "…"}} (optional, audited). */
    @PostMapping("/api/enrolments/{id}/revoke")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeLink(@PathVariable String id, @RequestBody(required = false) Note body) {
        enrolments.revoke(Actors.current(), id, body == null ? null : body.note());
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

    /**
     * @param rootsSource {@code pinned} (roots given by hand) or {@code metadata} (the loaded FIDO metadata's)
     * @param rootsPem    the hand-pinned roots; null for a model from metadata
     */
    record ModelJson(String aaguid, String name, String rootsSource, String rootsPem, int roots, String createdAt, boolean inMetadata,
                     String certification, String certifiedSince, String status, String statusSince, boolean compromised) {
        static ModelJson of(AllowedModelService.AllowedModelView v) {
            AllowedModel m = v.model();
            return new ModelJson(m.aaguid(), m.name(), m.fromMetadata() ? "metadata" : "pinned", m.rootsPem(), v.roots(),
                    m.createdAt().toString(), v.inMetadata(), v.certification(), v.certifiedSince(), v.status(), v.statusSince(), v.compromised());
        }
    }

    /**
     * Either {@code rootsPem} (pinned by hand) or {@code fromMetadata: true} (name and roots from the loaded
     * FIDO metadata; {@code name} optional, replacing the metadata's description).
     */
    record AllowModel(String name, String rootsPem, Boolean fromMetadata) {}

    @GetMapping("/api/allow-list")
    List<ModelJson> allowList() {
        return allowList.views().stream().map(ModelJson::of).toList();
    }

    @PutMapping("/api/allow-list/{aaguid}")
    ModelJson allow(@PathVariable String aaguid, @RequestBody AllowModel body) {
        AllowedModel model;
        if (Boolean.TRUE.equals(body.fromMetadata())) {
            if (body.rootsPem() != null) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Give rootsPem (pinned by hand) or fromMetadata: true, not both.");
            }
            model = allowList.allowFromMetadata(Actors.current(), aaguid, body.name());
        } else {
            model = allowList.allow(Actors.current(), aaguid, body.name(), body.rootsPem());
        }
        return allowList.views().stream().filter(v -> v.model().aaguid().equals(model.aaguid())).findFirst().map(ModelJson::of).orElseThrow();
    }

    @DeleteMapping("/api/allow-list/{aaguid}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void disallow(@PathVariable String aaguid) {
        allowList.remove(Actors.current(), aaguid);
    }
}
