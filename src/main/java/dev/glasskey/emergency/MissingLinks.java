package dev.glasskey.emergency;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Issue 18: "issue all missing links" for one key. Every enabled emergency account the matrix
 * shows as missing on the key gets an enrolment link, in one transaction: either every link is
 * issued or, on any refusal (the key full, say), none is. The links go on the custodian's sheet.
 */
@Service
public class MissingLinks {
    private final ReadinessService readiness;
    private final EnrolmentService enrolments;
    private final KeyService keys;

    MissingLinks(ReadinessService readiness, EnrolmentService enrolments, KeyService keys) {
        this.readiness = readiness;
        this.enrolments = enrolments;
        this.keys = keys;
    }

    /** A link issued for one account on the key. */
    public record Issued(String accountId, String displayName, EnrolmentLink link) {}

    @Transactional
    public List<Issued> issue(Actor actor, String keyId) {
        SecurityKey key = keys.get(keyId);
        if (!key.active()) {
            throw new GlasskeyException(ErrorCode.KEY_NOT_ACTIVE, "Key '" + key.label() + "' is " + key.status().value() + ".");
        }
        Matrix matrix = readiness.matrix();
        List<Issued> issued = new ArrayList<>();
        for (Matrix.Row row : matrix.rows()) {
            if (!row.enabled()) {
                continue;
            }
            boolean missing = row.cells().stream().anyMatch(c -> c.keyId().equals(keyId) && c.state() == Matrix.CellState.MISSING);
            if (missing) {
                issued.add(new Issued(row.accountId(), row.displayName(), enrolments.issue(actor, row.accountId(), keyId)));
            }
        }
        return issued;
    }
}
