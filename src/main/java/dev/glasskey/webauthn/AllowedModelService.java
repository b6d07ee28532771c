package dev.glasskey.webauthn;

import java.time.Clock;
import java.util.List;

import org.springframework.stereotype.Service;

import com.yubico.webauthn.FinishRegistrationOptions;
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
    private final CredentialStore credentials;
    private final RelyingParties relyingParties;

    AllowedModelService(AllowedModelStore store, Audit audit, ChangeGuards guards, Clock clock, CredentialStore credentials,
                        RelyingParties relyingParties) {
        this.credentials = credentials;
        this.relyingParties = relyingParties;
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
        return guards.guard("allowlist.add", () -> {
            AllowedModel model = new AllowedModel(id, name.strip(), rootsPem.strip(), Times.now(clock));
            store.upsert(model);
            String reverified = reverify(id);
            audit.record(AuditEvent.success(actor, "allowlist.add", id, true, "model '" + model.name() + "' with " + roots
                    + " pinned root(s); " + reverified));
            return model;
        });
    }

    /**
     * Re-runs the stored registration ceremony of every live credential of this model against the
     * roots now pinned (WebAuthn L3 §7.1 steps 21–23, by the same library as at enrolment), and
     * records whether its attestation is trusted. Credentials enrolled before the model was listed
     * keep working if their key really is that model; the others stop, and the lockout guard
     * judges the result.
     */
    private String reverify(String aaguid) {
        var rp = relyingParties.forReverification(AttestationPolicy.of(store.all()));
        int trusted = 0;
        var registrations = credentials.registrationsOfModel(aaguid);
        for (CredentialStore.Registration r : registrations) {
            boolean ok;
            try {
                ok = rp.finishRegistration(FinishRegistrationOptions.builder()
                        .request(Yubico.creationOptions(r.requestJson()))
                        .response(Yubico.registration(r.responseJson()))
                        .build()).isAttestationTrusted();
            } catch (Exception e) {
                // Anything the library refuses now (e.g. an expired attestation certificate) is untrusted.
                ok = false;
            }
            if (ok != r.attestationTrusted()) {
                credentials.setAttestationTrusted(r.credentialId(), ok);
            }
            if (ok) trusted++;
        }
        return trusted + " of " + registrations.size() + " enrolled credential(s) of this model verified against the pinned roots";
    }

    @Transactional
    public void remove(Actor actor, String aaguid) {
        String id = KeyService.aaguid(aaguid);
        AllowedModel model = store.find(id).orElseThrow(() -> new GlasskeyException(ErrorCode.MODEL_NOT_FOUND, "Model " + id + " is not on the allow-list."));
        guards.guard("allowlist.remove", () -> {
            store.delete(id);
            audit.record(AuditEvent.success(actor, "allowlist.remove", id, true, "model '" + model.name() + "'"));
            return model;
        });
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
