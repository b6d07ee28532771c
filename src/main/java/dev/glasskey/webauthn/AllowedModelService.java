package dev.glasskey.webauthn;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;

import com.yubico.webauthn.FinishRegistrationOptions;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.mds.MdsListener;
import dev.glasskey.mds.MdsModel;
import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsSnapshot;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * The AAGUID allow-list for emergency accounts. While it is empty, any device-bound key
 * with user verification may enrol; once it holds a model, emergency enrolment and sign-in
 * require a verified attestation from a listed model.
 *
 * <p>A model is allowed with roots pinned by hand, or from the loaded FIDO metadata (its name and
 * attestation roots taken from the BLOB's entry, issue 19). As a {@link MdsListener} it re-verifies
 * the enrolled credentials of models allowed from metadata whose roots a new BLOB changes; it runs
 * before readiness judges the new BLOB.
 */
@Service
@Order(1)
public class AllowedModelService implements MdsListener {
    private final AllowedModelStore store;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;
    private final CredentialStore credentials;
    private final RelyingParties relyingParties;
    private final MdsService mds;

    AllowedModelService(AllowedModelStore store, Audit audit, ChangeGuards guards, Clock clock, CredentialStore credentials,
                        RelyingParties relyingParties, MdsService mds) {
        this.credentials = credentials;
        this.relyingParties = relyingParties;
        this.store = store;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
        this.mds = mds;
    }

    /** Allows a model with vendor roots pinned by hand (they take precedence over any the metadata gives). */
    @Transactional
    public AllowedModel allow(Actor actor, String aaguid, String name, String rootsPem) {
        String id = aaguid(aaguid);
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "name is required (at most 200 characters).");
        }
        int roots = AttestationPolicy.parsePem(rootsPem).size();
        notCompromised(mds.status(), id);
        return add(actor, new AllowedModel(id, name.strip(), rootsPem.strip(), Times.now(clock)), roots + " pinned root(s)");
    }

    /**
     * Allows a model by AAGUID with the name and attestation roots of its entry in the loaded FIDO
     * metadata ({@code name}, when given, replaces the metadata's description). The roots follow the
     * metadata: a newer BLOB's roots apply from its load on.
     */
    @Transactional
    public AllowedModel allowFromMetadata(Actor actor, String aaguid, String name) {
        String id = aaguid(aaguid);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "name, when given, must be 1 to 200 characters.");
        }
        MdsStatus status = mds.status();
        MdsModel model = status.snapshot().model(id).filter(m -> !m.roots().isEmpty())
                .orElseThrow(() -> new GlasskeyException(ErrorCode.MDS_MODEL_UNKNOWN, status.snapshot().loaded()
                        ? "The loaded metadata (BLOB no. " + status.snapshot().serial() + ") has no entry with attestation roots for " + id + "."
                        : "No FIDO metadata is loaded: load a BLOB first (glasskey mds load, POST /api/mds), or pin the roots by hand."));
        notCompromised(status, id);
        return add(actor, new AllowedModel(id, name == null ? model.description() : name.strip(), null, Times.now(clock)),
                model.roots().size() + " root(s) from FIDO metadata BLOB no. " + status.snapshot().serial());
    }

    private AllowedModel add(Actor actor, AllowedModel model, String roots) {
        return guards.guard("allowlist.add", () -> {
            store.upsert(model);
            String reverified = reverify(model.aaguid(), policy());
            audit.record(AuditEvent.success(actor, "allowlist.add", model.aaguid(), true, "model '" + model.name() + "' with " + roots
                    + "; " + reverified));
            return model;
        });
    }

    /** A model the loaded metadata puts in the deny set cannot be allowed, by either route. */
    private static void notCompromised(MdsStatus status, String aaguid) {
        MdsSnapshot.Compromise c = status.compromised().get(aaguid);
        if (c != null) {
            throw new GlasskeyException(ErrorCode.ATTESTATION_MODEL_COMPROMISED, "FIDO metadata BLOB no. " + status.snapshot().serial()
                    + " reports model " + c.describe() + ".");
        }
    }

    private static String aaguid(String aaguid) {
        String id = KeyService.aaguid(aaguid);
        if (id == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "aaguid is required.");
        }
        return id;
    }

    /**
     * Re-runs the stored registration ceremony of every live credential of this model against the
     * roots now in force (WebAuthn L3 §7.1 steps 21–23, by the same library as at enrolment), and
     * records whether its attestation is trusted. Credentials enrolled before the model was listed
     * keep working if their key really is that model; the others stop, and the lockout guard
     * judges the result.
     */
    private String reverify(String aaguid, AttestationPolicy policy) {
        var rp = relyingParties.forReverification(policy);
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
        return trusted + " of " + registrations.size() + " enrolled credential(s) of this model verified against its roots";
    }

    /**
     * A new BLOB: models allowed from metadata whose attestation roots it changes (or no longer gives)
     * have their enrolled credentials re-verified against the new roots, in the load's transaction.
     * Not a guarded change: what the Metadata Service says about a model is not the administrator's to veto.
     */
    @Override
    public void loaded(Actor actor, MdsSnapshot before, MdsSnapshot after) {
        List<AllowedModel> models = store.all();
        AttestationPolicy policy = AttestationPolicy.of(models, after);
        for (AllowedModel m : models) {
            if (!m.fromMetadata()) continue;
            Set<X509Certificate> was = AttestationPolicy.metadataRoots(before, m.aaguid());
            Set<X509Certificate> now = AttestationPolicy.metadataRoots(after, m.aaguid());
            if (was.equals(now)) continue;
            String reverified = reverify(m.aaguid(), policy);
            audit.record(AuditEvent.success(actor, "allowlist.metadata_roots", m.aaguid(), true, "model '" + m.name() + "': FIDO metadata BLOB no. "
                    + after.serial() + " gives " + now.size() + " attestation root(s) (was " + was.size() + "); " + reverified));
        }
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

    /**
     * An allowed model as the console and the API show it: where its roots come from, and what the
     * loaded metadata says about it (certification level, latest status, in the deny set or not).
     */
    public record AllowedModelView(AllowedModel model, int roots, boolean inMetadata, String certification, String certifiedSince,
                                   String status, String statusSince, boolean compromised) {}

    @Transactional(readOnly = true)
    public List<AllowedModelView> views() {
        MdsStatus status = mds.status();
        return store.all().stream().map(m -> {
            MdsModel meta = status.snapshot().model(m.aaguid()).orElse(null);
            MdsModel.Report certification = meta == null ? null : status.certification(meta);
            MdsModel.Report latest = meta == null ? null : status.latestStatus(meta);
            int roots = m.fromMetadata() ? AttestationPolicy.metadataRoots(status.snapshot(), m.aaguid()).size()
                    : AttestationPolicy.parsePem(m.rootsPem()).size();
            return new AllowedModelView(m, roots, meta != null, certification == null ? null : certification.status(),
                    certification == null ? null : text(certification.effectiveDate()), latest == null ? null : latest.status(),
                    latest == null ? null : text(latest.effectiveDate()), status.compromised().containsKey(m.aaguid()));
        }).toList();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** The policy as stored now (read inside the caller's transaction), with the metadata loaded now. */
    @Transactional(readOnly = true)
    public AttestationPolicy policy() {
        return AttestationPolicy.of(store.all(), mds.status().snapshot());
    }
}
