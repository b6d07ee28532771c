package dev.glasskey.key;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Times;

/**
 * The key inventory. Marking a key lost is one action: every credential on it stops working
 * at once, because a credential is usable only while its key is active.
 */
@Service
public class KeyService {
    private static final int MAX_CAPACITY = 10_000;

    private final KeyInventoryStore store;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;
    private final GlasskeyProperties properties;

    KeyService(KeyInventoryStore store, Audit audit, ChangeGuards guards, Clock clock, GlasskeyProperties properties) {
        this.store = store;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
        this.properties = properties;
    }

    /** What an administrator supplies for a new or edited key; null fields are left empty (or unchanged on edit). */
    public record KeyDetails(String label, String aaguid, String model, String serial, String custodian, String location,
                             Integer capacity) {}

    @Transactional
    public SecurityKey register(Actor actor, KeyDetails details) {
        String label = required("label", details.label());
        if (store.labelTaken(label, null)) {
            throw new GlasskeyException(ErrorCode.KEY_LABEL_TAKEN, "A key labelled '" + label + "' already exists.", "label");
        }
        int capacity = details.capacity() == null ? properties.defaultKeyCapacity() : validCapacity(details.capacity());
        return guards.guard("key.register", () -> {
            Instant now = Times.now(clock);
            SecurityKey key = new SecurityKey(Ids.uuid(), label, aaguid(details.aaguid()), optional("model", details.model()),
                    optional("serial", details.serial()), optional("custodian", details.custodian()),
                    optional("location", details.location()), capacity, SecurityKey.Status.ACTIVE, now, now);
            store.insert(key);
            audit.record(AuditEvent.success(actor, "key.register", key.id(), true, describe(key)));
            return key;
        });
    }

    @Transactional
    public SecurityKey update(Actor actor, String id, KeyDetails details) {
        return guards.guard("key.update", () -> {
            SecurityKey before = lock(id);
            String label = details.label() == null ? before.label() : required("label", details.label());
            if (store.labelTaken(label, id)) {
                throw new GlasskeyException(ErrorCode.KEY_LABEL_TAKEN, "A key labelled '" + label + "' already exists.", "label");
            }
            String aaguid = details.aaguid() == null ? before.aaguid() : aaguid(details.aaguid());
            SecurityKey after = new SecurityKey(id, label, aaguid,
                    details.model() == null ? before.model() : optional("model", details.model()),
                    details.serial() == null ? before.serial() : optional("serial", details.serial()),
                    details.custodian() == null ? before.custodian() : optional("custodian", details.custodian()),
                    details.location() == null ? before.location() : optional("location", details.location()),
                    details.capacity() == null ? before.capacity() : validCapacity(details.capacity()),
                    before.status(), before.createdAt(), before.statusChangedAt());
            store.update(after);
            audit.record(AuditEvent.success(actor, "key.update", id, true, describe(after)));
            return after;
        });
    }

    /** Lost-key revocation (DOMAIN rule 5): one action, all credentials on the key stop working. */
    @Transactional
    public SecurityKey markLost(Actor actor, String id, String note) {
        return changeStatus(actor, id, SecurityKey.Status.LOST, "key.lost", note);
    }

    @Transactional
    public SecurityKey retire(Actor actor, String id, String note) {
        return changeStatus(actor, id, SecurityKey.Status.RETIRED, "key.retire", note);
    }

    /** Records the model learned from a verified enrolment; refuses a key that is not the recorded model. */
    @Transactional
    public void confirmModel(String id, String aaguid) {
        SecurityKey key = lock(id);
        if (key.aaguid() == null) {
            store.update(new SecurityKey(key.id(), key.label(), aaguid, key.model(), key.serial(), key.custodian(),
                    key.location(), key.capacity(), key.status(), key.createdAt(), key.statusChangedAt()));
        } else if (!key.aaguid().equalsIgnoreCase(aaguid)) {
            throw new GlasskeyException(ErrorCode.KEY_MODEL_MISMATCH, "Inventory key '" + key.label()
                    + "' is recorded as model " + key.aaguid() + " but the key presented reports " + aaguid + ".");
        }
    }

    @Transactional(readOnly = true)
    public SecurityKey get(String id) {
        return store.find(id).orElseThrow(() -> new GlasskeyException(ErrorCode.KEY_NOT_FOUND, "No key with id " + id + "."));
    }

    @Transactional(readOnly = true)
    public List<SecurityKey> list() {
        return store.all();
    }

    private SecurityKey changeStatus(Actor actor, String id, SecurityKey.Status status, String action, String rawNote) {
        String note = Notes.optional(rawNote);
        return guards.guard(action, () -> {
            SecurityKey before = lock(id);
            if (before.status() == status) {
                return before;
            }
            if (!before.active()) {
                throw new GlasskeyException(ErrorCode.KEY_NOT_ACTIVE, "Key '" + before.label() + "' is already " + before.status().value() + ".");
            }
            SecurityKey after = new SecurityKey(id, before.label(), before.aaguid(), before.model(), before.serial(),
                    before.custodian(), before.location(), before.capacity(), status, before.createdAt(), Times.now(clock));
            store.update(after);
            audit.record(AuditEvent.success(actor, action, id, true,
                    "key '" + before.label() + "' " + status.value() + (note == null ? "" : ": " + note)));
            return after;
        });
    }

    private SecurityKey lock(String id) {
        return store.findForUpdate(id).orElseThrow(() -> new GlasskeyException(ErrorCode.KEY_NOT_FOUND, "No key with id " + id + "."));
    }

    private static String describe(SecurityKey k) {
        return "label='" + k.label() + "' model=" + k.aaguid() + " serial=" + k.serial() + " custodian=" + k.custodian()
                + " location=" + k.location() + " capacity=" + k.capacity();
    }

    private static int validCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "capacity must be between 1 and " + MAX_CAPACITY + ".", "capacity");
        }
        return capacity;
    }

    private static String required(String field, String value) {
        String v = optional(field, value);
        if (v == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " is required.", field);
        }
        return v;
    }

    private static String optional(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > 200 || v.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be at most 200 printable characters.", field);
        }
        return v;
    }

    /** Normalises an AAGUID to lower-case UUID form. */
    public static String aaguid(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip()).toString().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "aaguid must be a UUID such as 01020304-0506-0708-0102-030405060708.", "aaguid");
        }
    }
}
