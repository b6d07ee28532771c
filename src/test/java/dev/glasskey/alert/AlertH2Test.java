package dev.glasskey.alert;

import dev.glasskey.testing.H2ServerTest;

class AlertH2Test extends H2ServerTest implements AlertContract {
    @Override
    public long sessionsWaitingOnAlertWindow() {
        return jdbc.sql("""
                select count(*) from information_schema.sessions
                where blocker_id is not null and executing_statement like '%alert_window%'""")
                .query(Long.class).single();
    }
}
