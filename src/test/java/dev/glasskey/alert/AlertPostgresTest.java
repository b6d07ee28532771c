package dev.glasskey.alert;

import dev.glasskey.testing.PostgresServerTest;

class AlertPostgresTest extends PostgresServerTest implements AlertContract {
    @Override
    public long sessionsWaitingOnAlertWindow() {
        return jdbc.sql("""
                select count(*) from pg_stat_activity
                where wait_event_type = 'Lock' and datname = current_database() and query like '%alert_window%'""")
                .query(Long.class).single();
    }
}
