package dev.glasskey.audit;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read access to the audit log. There is no write endpoint: entries are made by actions only. */
@RestController
class AuditController {
    private final Audit audit;
    private final AuditIntegrity integrity;

    AuditController(Audit audit, AuditIntegrity integrity) {
        this.audit = audit;
        this.integrity = integrity;
    }

    /** The log, newest first, filtered (every parameter optional; see {@link AuditQuery}); page with {@code before}. */
    @GetMapping("/api/audit")
    List<AuditEntry> list(@RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String target,
                          @RequestParam(required = false) String action, @RequestParam(required = false) String actor,
                          @RequestParam(required = false) String outcome, @RequestParam(required = false) String flagged,
                          @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                          @RequestParam(required = false) String q, @RequestParam(required = false) Long before) {
        return audit.search(AuditQuery.parse(action, actor, target, outcome, flagged, from, to, q, before, limit));
    }

    @GetMapping("/api/audit/verify")
    AuditVerification verify() {
        return integrity.verifyDatabase(n -> { }, 0);
    }

    record CheckpointJson(long seq, String hash, String signedAt, String keyId, String signature) {}

    @GetMapping("/api/audit/checkpoints")
    List<CheckpointJson> checkpoints() {
        return integrity.checkpoints().stream()
                .map(c -> new CheckpointJson(c.seq(), c.headHash(), c.signedAt().toString(), c.keyId(), c.signature())).toList();
    }
}
