package dev.glasskey.alert;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.testing.ServerTest;

/** The server of a {@link CheckpointCopyContract} class: its own context, closed after the class (the test damages its log). */
@DirtiesContext
abstract class CheckpointCopyServer extends ServerTest implements CheckpointCopyContract {
    @Autowired
    AlertDelivery alertDelivery;
    @Autowired
    AuditIntegrity integrity;

    @Override
    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    @Override
    public AuditIntegrity integrity() {
        return integrity;
    }
}
