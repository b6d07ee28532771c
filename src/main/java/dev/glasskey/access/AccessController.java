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

    AccessController(AccessService access) {
        this.access = access;
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
