package dev.glasskey.key;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;

/** JSON API for the key inventory. */
@RestController
class KeyController {
    private final KeyService keys;

    KeyController(KeyService keys) {
        this.keys = keys;
    }

    record KeyJson(String id, String label, String aaguid, String model, String serial, String custodian, String location,
                   int capacity, String status, String createdAt, String statusChangedAt) {
        static KeyJson of(SecurityKey k) {
            return new KeyJson(k.id(), k.label(), k.aaguid(), k.model(), k.serial(), k.custodian(), k.location(),
                    k.capacity(), k.status().value(), k.createdAt().toString(), k.statusChangedAt().toString());
        }
    }

    record Note(String note) {}

    @GetMapping("/api/keys")
    List<KeyJson> list() {
        return keys.list().stream().map(KeyJson::of).toList();
    }

    @PostMapping("/api/keys")
    @ResponseStatus(HttpStatus.CREATED)
    KeyJson register(@RequestBody KeyService.KeyDetails body) {
        return KeyJson.of(keys.register(Actors.current(), body));
    }

    @GetMapping("/api/keys/{id}")
    KeyJson get(@PathVariable String id) {
        return KeyJson.of(keys.get(id));
    }

    @PatchMapping("/api/keys/{id}")
    KeyJson update(@PathVariable String id, @RequestBody KeyService.KeyDetails body) {
        return KeyJson.of(keys.update(Actors.current(), id, body));
    }

    /** Lost key: every credential on it stops working at once. */
    @PostMapping("/api/keys/{id}/lost")
    KeyJson lost(@PathVariable String id, @RequestBody(required = false) Note body) {
        return KeyJson.of(keys.markLost(Actors.current(), id, body == null ? null : body.note()));
    }

    @PostMapping("/api/keys/{id}/retire")
    KeyJson retire(@PathVariable String id, @RequestBody(required = false) Note body) {
        return KeyJson.of(keys.retire(Actors.current(), id, body == null ? null : body.note()));
    }
}
