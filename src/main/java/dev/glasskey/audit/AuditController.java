package dev.glasskey.audit;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read access to the audit log. There is no write endpoint: entries are made by actions only. */
@RestController
class AuditController {
    private final Audit audit;

    AuditController(Audit audit) {
        this.audit = audit;
    }

    @GetMapping("/api/audit")
    List<AuditEntry> list(@RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String target) {
        return target == null ? audit.latest(limit) : audit.forTarget(target, limit);
    }

    record Verification(boolean intact, Long firstBrokenSeq) {}

    @GetMapping("/api/audit/verify")
    Verification verify() {
        long broken = audit.firstBrokenEntry();
        return new Verification(broken < 0, broken < 0 ? null : broken);
    }
}
