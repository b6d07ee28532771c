package dev.glasskey.alert;

import org.springframework.beans.factory.annotation.Autowired;

import dev.glasskey.testing.H2ServerTest;

class AlertH2Test extends H2ServerTest implements AlertContract {
    @Autowired
    AlertDelivery alertDelivery;
    @Autowired
    AlertReadiness alertReadiness;
    @Autowired
    dev.glasskey.audit.AuditIntegrity integrity;
    @Autowired
    dev.glasskey.audit.Audit audit;

    @Override
    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    @Override
    public java.util.Optional<dev.glasskey.audit.AuditCheckpoint> checkpoint() {
        audit.record(dev.glasskey.audit.AuditEvent.success(dev.glasskey.system.Actor.SYSTEM, "test.checkpoint", null, false, "something to sign"));
        return integrity.checkpoint();
    }

    @Override
    public AlertReadiness alertReadiness() {
        return alertReadiness;
    }
}
