-- Issue 17: Conditional Access, stored. Every change is validated as a whole set (dev.glasskey.access.PolicySet)
-- and judged by the lockout guard on the state after it, in its transaction.

-- A policy: its name and state as columns (lists and filters), the rest as the JSON document the API
-- reads and writes (docs/API.md "Conditional Access"), validated before it is stored.
create table access_policy (
    id          varchar(36)  primary key,
    name        varchar(200) not null,
    state       varchar(16)  not null,
    definition  text         not null,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null
);

-- A named location: CIDR ranges (IPv4 and IPv6 literals, one per line), trusted or not.
create table access_location (
    id          varchar(36)   primary key,
    name        varchar(200)  not null,
    trusted     boolean       not null,
    ranges      varchar(16000) not null,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null
);

-- A device CA: a client certificate chaining to one makes the device compliant.
create table access_device_ca (
    id           varchar(36)   primary key,
    name         varchar(200)  not null,
    certificate  text          not null,
    sha256       varchar(64)   not null unique,
    subject      varchar(1000) not null,
    not_after    timestamp with time zone not null,
    created_at   timestamp with time zone not null
);

-- One row, bumped by every change: each node reads it per decision and recompiles its cached policies
-- only when it moved, so sign-in stays cheap and every node sees a change at once.
create table access_version (
    id       integer primary key,
    version  bigint  not null
);
insert into access_version (id, version) values (1, 0);

-- Issue 17 §3: every evaluation, with the policies that applied, the conditions matched and the
-- result; report-only policies as what they would have done.
create table access_decision (
    id              varchar(36)  primary key,
    decided_at      timestamp with time zone not null,
    account_id      varchar(36),
    session_id      varchar(100),
    event           varchar(32)  not null,
    resource        varchar(300) not null,
    client_address  varchar(45),
    device_compliant boolean     not null,
    enforced        varchar(16)  not null,
    report_only     varchar(16)  not null,
    detail          text         not null
);
create index access_decision_account on access_decision (account_id, decided_at);
create index access_decision_session on access_decision (session_id);

-- Issue 17 §6: alerts for every policy change, and for an emergency account blocked by a policy.
insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('access-policy-change', 'Conditional Access changed: a policy, named location or device CA', 'policy.*', 'success', null, false, false, 'warning', true),
 ('access-emergency-blocked', 'An emergency account was blocked by a Conditional Access policy', 'access.block', null, null, true, false, 'critical', true);
