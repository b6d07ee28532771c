package dev.glasskey.alert;

import org.springframework.beans.factory.annotation.Autowired;

import dev.glasskey.testing.H2ServerTest;

class AlertH2Test extends H2ServerTest implements AlertContract {
    @Autowired
    AlertDelivery alertDelivery;
    @Autowired
    AlertReadiness alertReadiness;

    @Override
    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    @Override
    public AlertReadiness alertReadiness() {
        return alertReadiness;
    }
}
