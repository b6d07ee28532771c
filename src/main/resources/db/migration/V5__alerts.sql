-- Issue 5: signed audit checkpoints, alert rules, alert channels and the transactional outbox.
-- Portable SQL (H2 and PostgreSQL), like V1.

-- A checkpoint is the server's ES256 signature over (seq, hash of entry seq, signed_at, key_id).
-- Someone who can write to the database can rewrite the whole chain and its head, but cannot
-- forge these: `glasskey audit verify` checks each one against the chain.
create table audit_checkpoint (
    seq        bigint       primary key,
    head_hash  varchar(64)  not null,
    signed_at  timestamp with time zone not null,
    key_id     varchar(64)  not null,
    -- base64 of the DER-encoded ECDSA signature (SHA256withECDSA) over AuditCheckpoint.signedText()
    signature  varchar(200) not null
);

-- Which audit entries raise an alert, and how severe it is. Seeded with the defaults below;
-- managed through /api/alerts/rules.
create table alert_rule (
    id             varchar(64)  primary key,
    description    varchar(300) not null,
    -- comma-separated action patterns: 'signin' matches exactly, 'account.*' every action below 'account.'
    actions        varchar(500) not null,
    -- 'success', 'failure', or null for either
    outcome        varchar(16),
    -- the entry's reason (an error code) must equal this, or null for any
    reason         varchar(100),
    emergency_only boolean      not null,
    flagged_only   boolean      not null,
    severity       varchar(16)  not null,
    enabled        boolean      not null
);

insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('emergency-signin', 'Emergency account signed in', 'signin', 'success', null, true, false, 'critical', true),
 ('emergency-signin-failure', 'Failed sign-in to an emergency account', 'signin', 'failure', null, true, false, 'warning', true),
 ('emergency-token', 'Token issued to an emergency account', 'oidc.token', null, null, true, false, 'critical', true),
 ('emergency-change', 'Change to emergency accounts, keys, credentials, the allow-list or policies touching them',
  'account.*,key.*,credential.*,allowlist.*,enrolment.*,policy.*', 'success', null, true, false, 'warning', true),
 ('counter-regression', 'Signature counter went backwards: possible cloned key', 'signin', null, 'credential.counter_regression', false, false, 'critical', true),
 ('readiness-degraded', 'Emergency readiness got worse', 'readiness.degraded', null, null, false, false, 'critical', true),
 ('bootstrap-use', 'Local recovery command (glasskey bootstrap) used', 'bootstrap.use', null, null, false, false, 'critical', true),
 ('alerting-change', 'Alert channels changed or removed, or alert rules changed', 'alert.channel.update,alert.channel.delete,alert.rule.*', 'success', null, false, false, 'warning', true),
 ('alert-channel-failing', 'An alert channel keeps failing', 'alert.channel.failing', null, null, false, false, 'critical', true);

create table alert_channel (
    id                     varchar(36)  primary key,
    name                   varchar(200) not null unique,
    type                   varchar(16)  not null,
    enabled                boolean      not null,
    min_severity           varchar(16)  not null,
    -- JSON of the type's settings (url; host, port, from, to, username; host, port, transport)
    settings               text         not null,
    -- webhook HMAC key or SMTP password; never returned by the API after creation
    secret                 text,
    created_at             timestamp with time zone not null,
    updated_at             timestamp with time zone not null,
    last_delivered_at      timestamp with time zone,
    last_test_delivered_at timestamp with time zone,
    consecutive_failures   integer      not null,
    last_failure           varchar(500),
    last_failure_at        timestamp with time zone
);

-- One alert per audit entry that matched at least one rule (or per test).
create table alert (
    id          varchar(36)  primary key,
    audit_seq   bigint,
    rules       varchar(500) not null,
    severity    varchar(16)  not null,
    summary     varchar(500) not null,
    -- JSON of the audit entry, as sent
    event_json  text         not null,
    test        boolean      not null,
    created_at  timestamp with time zone not null
);

-- The outbox: one row per (alert, channel), written in the action's own transaction. Its id is
-- the idempotency key every channel carries, so a redelivery after a crash is recognisable.
create table alert_delivery (
    id              varchar(36)  primary key,
    alert_id        varchar(36)  not null references alert (id),
    channel_id      varchar(36)  not null references alert_channel (id),
    status          varchar(16)  not null,
    attempts        integer      not null,
    next_attempt_at timestamp with time zone not null,
    lease_until     timestamp with time zone,
    last_error      varchar(500),
    created_at      timestamp with time zone not null,
    delivered_at    timestamp with time zone,
    unique (alert_id, channel_id)
);
create index alert_delivery_due on alert_delivery (status, next_attempt_at);
create index alert_delivery_channel on alert_delivery (channel_id, status);
