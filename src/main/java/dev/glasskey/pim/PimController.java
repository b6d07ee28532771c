package dev.glasskey.pim;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
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
import dev.glasskey.webauthn.GlasskeyAuthentication;
import dev.glasskey.webauthn.SignedIn;

/**
 * PIM's JSON API (docs/API.md, "Privileged roles"): the caller's own roles and activations and the
 * requests waiting for them as an approver (any signed-in account), assignments and role settings
 * ({@code global-admin}; the permission rules are in {@code web.SecurityConfiguration}).
 */
@RestController
class PimController {
    private final PimService pim;

    PimController(PimService pim) {
        this.pim = pim;
    }

    record AssignmentJson(String id, String accountId, String role, String kind, String startsAt, String endsAt, boolean permanent,
                          boolean emergencyActivatable, String source, String reason, String ticket, String requestId, String assignedBy,
                          String assignedAt, String endedAt) {
        static AssignmentJson of(Assignment a) {
            return new AssignmentJson(a.id(), a.accountId(), a.role(), a.kind(), str(a.startsAt()), str(a.endsAt()), a.permanent(),
                    a.emergencyActivatable(), a.source(), a.reason(), a.ticket(), a.requestId(), a.assignedBy(), str(a.assignedAt()),
                    str(a.endedAt()));
        }
    }

    record RequestJson(String id, String accountId, String role, long durationMinutes, String justification, String ticket, String status,
                       String createdAt, String expiresAt, String decidedAt, String decidedBy, String decisionReason, String assignmentId,
                       List<String> approvedBy) {
        static RequestJson of(ActivationRequest r, Instant now) {
            return new RequestJson(r.id(), r.accountId(), r.role(), r.duration().toMinutes(), r.justification(), r.ticket(), r.statusAt(now),
                    str(r.createdAt()), str(r.expiresAt()), str(r.decidedAt()), r.decidedBy(), r.decisionReason(), r.assignmentId(),
                    r.approvedBy());
        }
    }

    record SettingsJson(String role, long maxDurationMinutes, boolean approvalRequired, int approvalsNeeded, long stepUpMinutes,
                        long requestTtlMinutes, Set<String> approvers) {
        static SettingsJson of(RoleSettings s) {
            return new SettingsJson(s.role(), s.maxDuration().toMinutes(), s.approvalRequired(), s.approvalsNeeded(), s.stepUp().toMinutes(),
                    s.requestTtl().toMinutes(), new TreeSet<>(s.approvers()));
        }
    }

    record MyRolesJson(Set<String> roles, List<AssignmentJson> eligible, List<AssignmentJson> active, List<RequestJson> requests) {}

    record ActivationBody(String role, Integer durationMinutes, String justification, String ticket) {}

    record ActivationJson(String outcome, AssignmentJson activation, RequestJson request) {}

    record AssignmentBody(String accountId, String role, String kind, String endsAt, Boolean emergencyActivatable, String reason) {}

    record NoteBody(String note) {}

    record ReasonBody(String reason) {}

    record SettingsBody(Integer maxDurationMinutes, Boolean approvalRequired, Integer approvalsNeeded, Integer stepUpMinutes,
                        Integer requestTtlMinutes, Set<String> approvers) {}

    // --- the caller's own roles (any signed-in account)

    @GetMapping("/api/pim/me")
    MyRolesJson mine() {
        SignedIn me = signedIn();
        PimService.MyRoles mine = pim.mine(me.accountId());
        Instant now = Instant.now(pimClock());
        return new MyRolesJson(new TreeSet<>(me.roles()), mine.eligible().stream().map(AssignmentJson::of).toList(),
                mine.active().stream().map(AssignmentJson::of).toList(), mine.requests().stream().map(r -> RequestJson.of(r, now)).toList());
    }

    @PostMapping("/api/pim/me/activations")
    ResponseEntity<ActivationJson> activate(@RequestBody ActivationBody body) {
        if (body == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "role and justification are required.", "role");
        }
        PimService.Activated done = pim.activate(Actors.current(), signedIn(),
                new PimService.Activation(body.role(), body.durationMinutes(), body.justification(), body.ticket()));
        if (done.request() != null) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new ActivationJson("pending", null,
                    RequestJson.of(done.request(), done.request().createdAt())));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(new ActivationJson(done.assignment().source(),
                AssignmentJson.of(done.assignment()), null));
    }

    @PostMapping("/api/pim/me/activations/{id}/deactivate")
    AssignmentJson deactivate(@PathVariable String id) {
        return AssignmentJson.of(pim.deactivate(Actors.current(), signedIn().accountId(), id));
    }

    // --- approvals (any signed-in account; only a role's approvers may decide)

    @GetMapping("/api/pim/approvals")
    List<RequestJson> approvals() {
        Instant now = Instant.now(pimClock());
        return pim.waitingFor(signedIn().accountId()).stream().map(r -> RequestJson.of(r, now)).toList();
    }

    @PostMapping("/api/pim/approvals/{id}/approve")
    RequestJson approve(@PathVariable String id) {
        ActivationRequest r = pim.approve(Actors.current(), signedIn().accountId(), id);
        return RequestJson.of(r, Instant.now(pimClock()));
    }

    @PostMapping("/api/pim/approvals/{id}/deny")
    RequestJson deny(@PathVariable String id, @RequestBody(required = false) ReasonBody body) {
        ActivationRequest r = pim.deny(Actors.current(), signedIn().accountId(), id, body == null ? null : body.reason());
        return RequestJson.of(r, Instant.now(pimClock()));
    }

    // --- administration (global-admin)

    @GetMapping("/api/pim/assignments")
    List<AssignmentJson> assignments() {
        return pim.assignments().stream().map(AssignmentJson::of).toList();
    }

    @PostMapping("/api/pim/assignments")
    @ResponseStatus(HttpStatus.CREATED)
    AssignmentJson assign(@RequestBody AssignmentBody body) {
        if (body == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "accountId, role, kind and reason are required.", "accountId");
        }
        if (body.accountId() == null || body.accountId().isBlank()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "accountId is required.", "accountId");
        }
        return AssignmentJson.of(pim.assign(Actors.current(), new PimService.NewAssignment(body.accountId(), body.role(), body.kind(),
                instant(body.endsAt(), "endsAt"), Boolean.TRUE.equals(body.emergencyActivatable()), body.reason())));
    }

    @PostMapping("/api/pim/assignments/{id}/remove")
    AssignmentJson remove(@PathVariable String id, @RequestBody(required = false) NoteBody body) {
        return AssignmentJson.of(pim.remove(Actors.current(), id, body == null ? null : body.note()));
    }

    @GetMapping("/api/pim/roles")
    List<SettingsJson> settings() {
        return pim.settings().stream().map(SettingsJson::of).toList();
    }

    @PutMapping("/api/pim/roles/{role}")
    SettingsJson updateSettings(@PathVariable String role, @RequestBody SettingsBody body) {
        if (body == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Give at least one setting.");
        }
        return SettingsJson.of(pim.updateSettings(Actors.current(), role, new PimService.SettingsChange(body.maxDurationMinutes(),
                body.approvalRequired(), body.approvalsNeeded(), body.stepUpMinutes(), body.requestTtlMinutes(), body.approvers())));
    }

    /** An application role's settings: its name has a slash ({@code <client id>/<role>}), which a path segment cannot carry. */
    @PutMapping("/api/pim/roles/{clientId}/{name}")
    SettingsJson updateApplicationSettings(@PathVariable String clientId, @PathVariable String name, @RequestBody SettingsBody body) {
        return updateSettings(dev.glasskey.account.Roles.application(clientId, name), body);
    }

    @GetMapping("/api/pim/roles/{clientId}/{name}/history")
    List<AssignmentJson> applicationHistory(@PathVariable String clientId, @PathVariable String name) {
        return history(dev.glasskey.account.Roles.application(clientId, name));
    }

    @GetMapping("/api/pim/roles/{role}/history")
    List<AssignmentJson> history(@PathVariable String role) {
        return pim.history(role).stream().map(AssignmentJson::of).toList();
    }

    private java.time.Clock pimClock() {
        return pim.clock();
    }

    private static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be an ISO-8601 instant (2026-01-31T12:00:00Z).", field);
        }
    }

    private static SignedIn signedIn() {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication auth) {
            return auth.signedIn();
        }
        throw new GlasskeyException(ErrorCode.UNAUTHENTICATED);
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
