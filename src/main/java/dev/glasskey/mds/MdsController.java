package dev.glasskey.mds;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** The FIDO metadata over HTTP: what is loaded, loading a BLOB, fetching now, and looking up models. */
@RestController
class MdsController {
    private final MdsService mds;

    MdsController(MdsService mds) {
        this.mds = mds;
    }

    record CompromiseJson(String aaguid, String name, String status, String since) {
        static CompromiseJson of(MdsSnapshot.Compromise c) {
            return new CompromiseJson(c.aaguid(), c.name(), c.status(), c.since() == null ? null : c.since().toString());
        }
    }

    record StatusJson(boolean loaded, long serial, String nextUpdate, String freshness, String staleFrom, String failFrom, String loadedAt,
                      String loadedBy, String source, String sha256, int models, List<CompromiseJson> compromised, List<String> denyStatuses,
                      String url) {}

    @GetMapping("/api/mds")
    StatusJson status() {
        MdsStatus s = mds.status();
        MdsSnapshot snap = s.snapshot();
        return new StatusJson(snap.loaded(), snap.serial(), text(snap.nextUpdate()), s.freshness().name(), text(s.staleFrom()),
                text(s.failFrom()), text(snap.loadedAt()), snap.loadedBy(), snap.source(), snap.sha256(), snap.models().size(),
                s.compromised().values().stream().map(CompromiseJson::of).toList(),
                mds.properties().denyStatuses().stream().sorted().toList(), mds.properties().url());
    }

    /**
     * @param blob the BLOB as downloaded (the JWS text)
     * @param crls CRLs of its chain: PEM text, or base64 of DER
     */
    record LoadBlob(String blob, List<String> crls) {}

    record LoadedJson(long serial, long previousSerial, String nextUpdate, int models, List<CompromiseJson> newlyCompromised,
                      List<String> warnings) {
        static LoadedJson of(MdsService.Loaded l) {
            return new LoadedJson(l.snapshot().serial(), l.previousSerial(), l.snapshot().nextUpdate().toString(), l.snapshot().models().size(),
                    l.newlyCompromised().values().stream().map(CompromiseJson::of).toList(), l.warnings());
        }
    }

    @PostMapping("/api/mds")
    LoadedJson load(@RequestBody LoadBlob body) {
        if (body.blob() == null || body.blob().isBlank()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "blob is required: the MDS3 BLOB as downloaded (a JWT).");
        }
        return LoadedJson.of(mds.load(Actors.current(), "api", body.blob().getBytes(StandardCharsets.ISO_8859_1), crlFiles(body.crls())));
    }

    record FetchedJson(boolean loaded, LoadedJson blob) {}

    /** Fetches {@code glasskey.mds.url} now, as the schedule would. */
    @PostMapping("/api/mds/fetch")
    FetchedJson fetch() {
        return mds.fetch(Actors.current()).map(l -> new FetchedJson(true, LoadedJson.of(l))).orElseGet(() -> new FetchedJson(false, null));
    }

    record ModelJson(String aaguid, String description, String certification, String certifiedSince, String status, String statusSince,
                     boolean compromised, int roots, String rootsPem) {}

    /** Models of the loaded metadata whose description contains {@code q} (case-insensitive), at most 100. */
    @GetMapping("/api/mds/models")
    List<ModelJson> models(@RequestParam(required = false) String q) {
        MdsStatus s = mds.status();
        String needle = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        List<ModelJson> result = new ArrayList<>();
        s.snapshot().models().values().stream()
                .filter(m -> m.description().toLowerCase(Locale.ROOT).contains(needle) || m.aaguid().equals(needle))
                .sorted(Comparator.comparing(MdsModel::description))
                .limit(100)
                .forEach(m -> result.add(json(s, m, false)));
        return result;
    }

    @GetMapping("/api/mds/models/{aaguid}")
    ModelJson model(@PathVariable String aaguid) {
        MdsStatus s = mds.status();
        String id = aaguid.strip().toLowerCase(Locale.ROOT);
        MdsModel m = s.snapshot().model(id).orElseThrow(() -> new GlasskeyException(ErrorCode.MDS_MODEL_UNKNOWN,
                s.snapshot().loaded() ? "The loaded metadata (BLOB no. " + s.snapshot().serial() + ") has no entry for " + id + "."
                        : "No metadata is loaded."));
        return json(s, m, true);
    }

    private static ModelJson json(MdsStatus s, MdsModel m, boolean withRoots) {
        MdsModel.Report certification = s.certification(m);
        MdsModel.Report latest = s.latestStatus(m);
        return new ModelJson(m.aaguid(), m.description(), certification == null ? null : certification.status(),
                certification == null ? null : text(certification.effectiveDate()), latest == null ? null : latest.status(),
                latest == null ? null : text(latest.effectiveDate()), s.compromised().containsKey(m.aaguid()), m.roots().size(),
                withRoots ? m.rootsPem() : null);
    }

    /** CRLs as JSON carries them: PEM text as is, anything else as base64 of DER. */
    static List<byte[]> crlFiles(List<String> crls) {
        if (crls == null) {
            return List.of();
        }
        List<byte[]> files = new ArrayList<>();
        for (String crl : crls) {
            if (crl == null || crl.isBlank()) {
                throw new GlasskeyException(ErrorCode.MDS_CRL_INVALID, "An empty CRL.");
            }
            if (crl.contains("-----BEGIN")) {
                files.add(crl.getBytes(StandardCharsets.US_ASCII));
                continue;
            }
            try {
                files.add(Base64.getMimeDecoder().decode(crl.strip()));
            } catch (IllegalArgumentException e) {
                throw new GlasskeyException(ErrorCode.MDS_CRL_INVALID, "A CRL is neither PEM nor base64 of DER.");
            }
        }
        return files;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
