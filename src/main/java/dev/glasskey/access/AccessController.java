package dev.glasskey.access;

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

/** JSON API for Conditional Access (issue 17 §4, §6): policies, named locations, device CAs, what-if. {@code global-admin}. */
@RestController
class AccessController {
    private final AccessService access;
    private final AccessDecisions decisions;

    AccessController(AccessService access, AccessDecisions decisions) {
        this.access = access;
        this.decisions = decisions;
    }

    /** One recorded decision (issue 17 §3): where and on what it was taken, and the decision as what-if shows one. */
    record DecisionRecordJson(String id, String decidedAt, String accountId, String session, String event, String resource,
                              String clientAddress, boolean deviceCompliant, String enforced, String reportOnly,
                              tools.jackson.databind.JsonNode decision) {
        static DecisionRecordJson of(AccessStore.DecisionRow d) {
            return new DecisionRecordJson(d.id(), d.decidedAt().toString(), d.accountId(), d.sessionId(), d.event(), d.resource(),
                    d.clientAddress(), d.deviceCompliant(), d.enforced(), d.reportOnly(), AccessStore.JSON.readTree(d.detail()));
        }
    }

    record DecisionPage(List<DecisionRecordJson> decisions, int offset, int limit) {}

    /**
     * The decision log, newest first: filters {@code account}, {@code session} (a session's {@code sid}:
     * one sign-in's decisions), {@code result} (the enforced outcome), {@code from}/{@code to} (ISO
     * instants), paged by {@code limit} (1-500) and {@code offset}.
     */
    @GetMapping("/api/access/decisions")
    DecisionPage decisions(@org.springframework.web.bind.annotation.RequestParam(required = false) String account,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String session,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String result,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String from,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String to,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String limit,
                           @org.springframework.web.bind.annotation.RequestParam(required = false) String offset) {
        AccessDecisions.Page page = decisions.decisions(account, session, result, from, to, number(limit, "limit"), number(offset, "offset"));
        return new DecisionPage(page.decisions().stream().map(DecisionRecordJson::of).toList(), page.offset(), page.limit());
    }

    /** A paging number as text, so "abc" or "1e3" is this API's request.invalid naming the field, not a binding error. */
    private static Integer number(String value, String field) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new dev.glasskey.system.GlasskeyException(dev.glasskey.system.ErrorCode.REQUEST_INVALID, field + " is a whole number.", field);
        }
        return Integer.parseInt(value);
    }

    record PolicyJson(String id, PolicyDocument policy, String createdAt, String updatedAt) {
        static PolicyJson of(AccessStore.StoredPolicy p) {
            return new PolicyJson(p.policy().id(), PolicyDocument.of(p.policy()), p.createdAt().toString(), p.updatedAt().toString());
        }
    }

    record LocationJson(String id, String name, boolean trusted, List<String> ranges, String createdAt, String updatedAt) {
        static LocationJson of(AccessStore.StoredLocation l) {
            return new LocationJson(l.location().id(), l.location().name(), l.location().trusted(), l.location().cidrs(),
                    l.createdAt().toString(), l.updatedAt().toString());
        }
    }

    record DeviceCaJson(String id, String name, String subject, String sha256, String notAfter, String createdAt, String certificate) {
        static DeviceCaJson of(AccessStore.DeviceCa ca) {
            return new DeviceCaJson(ca.id(), ca.name(), ca.subject(), ca.sha256(), ca.notAfter().toString(), ca.createdAt().toString(),
                    ca.certificatePem());
        }
    }

    record StateBody(String state) {}

    record DeviceCaBody(String name, String certificate) {}

    @GetMapping("/api/access/policies")
    List<PolicyJson> policies() {
        return access.policies().stream().map(PolicyJson::of).toList();
    }

    @PostMapping("/api/access/policies")
    @ResponseStatus(HttpStatus.CREATED)
    PolicyJson create(@RequestBody PolicyDocument body) {
        return PolicyJson.of(access.createPolicy(Actors.current(), body));
    }

    @GetMapping("/api/access/policies/{id}")
    PolicyJson policy(@PathVariable String id) {
        return PolicyJson.of(access.policy(id));
    }

    @PutMapping("/api/access/policies/{id}")
    PolicyJson replace(@PathVariable String id, @RequestBody PolicyDocument body) {
        return PolicyJson.of(access.replacePolicy(Actors.current(), id, body));
    }

    @PostMapping("/api/access/policies/{id}/state")
    PolicyJson state(@PathVariable String id, @RequestBody StateBody body) {
        return PolicyJson.of(access.setState(Actors.current(), id, body == null ? null : body.state()));
    }

    @DeleteMapping("/api/access/policies/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id) {
        access.deletePolicy(Actors.current(), id);
    }

    @GetMapping("/api/access/locations")
    List<LocationJson> locations() {
        return access.locations().stream().map(LocationJson::of).toList();
    }

    @PostMapping("/api/access/locations")
    @ResponseStatus(HttpStatus.CREATED)
    LocationJson createLocation(@RequestBody AccessService.LocationDocument body) {
        return LocationJson.of(access.createLocation(Actors.current(), body));
    }

    @GetMapping("/api/access/locations/{id}")
    LocationJson location(@PathVariable String id) {
        return LocationJson.of(access.location(id));
    }

    @PutMapping("/api/access/locations/{id}")
    LocationJson replaceLocation(@PathVariable String id, @RequestBody AccessService.LocationDocument body) {
        return LocationJson.of(access.replaceLocation(Actors.current(), id, body));
    }

    @DeleteMapping("/api/access/locations/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteLocation(@PathVariable String id) {
        access.deleteLocation(Actors.current(), id);
    }

    @GetMapping("/api/access/device-cas")
    List<DeviceCaJson> deviceCas() {
        return access.deviceCas().stream().map(DeviceCaJson::of).toList();
    }

    @PostMapping("/api/access/device-cas")
    @ResponseStatus(HttpStatus.CREATED)
    DeviceCaJson addDeviceCa(@RequestBody DeviceCaBody body) {
        return DeviceCaJson.of(access.addDeviceCa(Actors.current(), body == null ? null : body.name(), body == null ? null : body.certificate()));
    }

    @DeleteMapping("/api/access/device-cas/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeDeviceCa(@PathVariable String id) {
        access.removeDeviceCa(Actors.current(), id);
    }

    /** Issue 17 §4: which policies apply to a described sign-in, why, and the outcome. Nothing is recorded. */
    @PostMapping("/api/access/what-if")
    DecisionJson whatIf(@RequestBody AccessService.WhatIf body) {
        return DecisionJson.of(access.whatIf(body));
    }
}
