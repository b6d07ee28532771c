-- Issue 13 (hostile input), alert floods: alerts of one rule coalesce within a window, and the
-- outbox is delivered most severe first. Portable SQL (H2 and PostgreSQL), like V5.

-- One row per alert rule: the rule's current coalescing window. The first
-- glasskey.alerts.coalesce-after alerts of a window are delivered one by one (`delivered`
-- counts them); later matches only count here (`suppressed`, the audit entries they came
-- from, the highest severity among them) until the window closes, when one summary alert is
-- queued. Every transaction that raises an alert of the rule locks this row first, so two of
-- them at once cannot lose a count. The row exists exactly as long as its rule (created with
-- it, dropped with it), so no transaction ever has to create it under contention.
create table alert_window (
    rule_id          varchar(64) primary key references alert_rule (id) on delete cascade,
    -- null while no window is open
    opened_at        timestamp with time zone,
    closes_at        timestamp with time zone,
    delivered        integer     not null,
    suppressed       integer     not null,
    severity         varchar(16),
    first_seq        bigint,
    last_seq         bigint,
    first_at         timestamp with time zone,
    last_at          timestamp with time zone
);
insert into alert_window (rule_id, delivered, suppressed) select id, 0, 0 from alert_rule;

-- Delivery order: the alert's severity as a number (1 critical, 2 warning, 3 info), copied onto
-- its outbox rows so that the due query reads one index in delivery order (most urgent first,
-- then oldest) instead of sorting every pending row behind a flood.
alter table alert_delivery add column priority integer;
update alert_delivery set priority = (select case a.severity when 'critical' then 1 when 'warning' then 2 else 3 end
                                      from alert a where a.id = alert_delivery.alert_id);
alter table alert_delivery alter column priority set not null;
drop index alert_delivery_due;
create index alert_delivery_due on alert_delivery (status, priority, next_attempt_at);
