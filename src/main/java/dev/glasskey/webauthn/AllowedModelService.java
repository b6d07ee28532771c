package dev.glasskey.webauthn;

import java.time.Clock;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * The AAGUID allow-list for emergency accounts. While it is empty, any device-bound key
 * with user verification may enrol; once it holds a model, emergency enrolment and sign-in
 * require a verified attestation from a listed model.
 */
@Service
public class AllowedModelService {
    private final AllowedModelStore store;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;

    AllowedModelService(AllowedModelStore store, Audit audit, ChangeGuards guards, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
    }

    @Transactional
    public AllowedModel allow(Actor actor, String aaguid, String name, String rootsPem) {
        String id = KeyService.aaguid(aaguid);
        if (id == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "aaguid is required.");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "name is required (at most 200 characters).");
        }
        int roots = AttestationPolicy.parsePem(rootsPem).size();
        AllowedModel model = new AllowedModel(id, name.strip(), rootsPem.strip(), Times.now(clock));
        store.upsert(model);
        audit.record(AuditEvent.success(actor, "allowlist.add", id, true, "model '" + model.name() + "' with " + roots + " pinned root(s)"));
        guards.check("allowlist.add");
        return model;
    }

    @Transactional
    public void remove(Actor actor, String aaguid) {
        String id = KeyService.aaguid(aaguid);
        AllowedModel model = store.find(id).orElseThrow(() -> new GlasskeyException(ErrorCode.MODEL_NOT_FOUND, "Model " + id + " is not on the allow-list."));
        store.delete(id);
        audit.record(AuditEvent.success(actor, "allowlist.remove", id, true, "model '" + model.name() + "'"));
        guards.check("allowlist.remove");
    }

    @Transactional(readOnly = true)
    public List<AllowedModel> list() {
        return store.all();
    }

    /** The policy as stored now (read inside the caller's transaction). */
    @Transactional(readOnly = true)
    public AttestationPolicy policy() {
        return AttestationPolicy.of(store.all());
    }
}
