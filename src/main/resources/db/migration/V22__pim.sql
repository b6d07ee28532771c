-- Issue 16, Privileged Identity Management (first increments). One script for H2 and PostgreSQL.
--
-- Today's held roles (account_role) ARE the active permanent assignments: they stay where every
-- reader already finds them, so existing installations and tests keep working unchanged. This
-- table holds what PIM adds: eligible assignments (permanent or with an end) and time-bound active
-- ones, both assigned by an administrator, and the activations made from an eligible assignment
-- (by its holder, approved or not, or by an emergency account on its own).
create table pim_assignment (
    id                    varchar(36)  primary key,
    account_id            varchar(36)  not null references account (id),
    role                  varchar(64)  not null,
    -- 'eligible' (may activate) or 'active' (holds the role until ends_at)
    kind                  varchar(16)  not null,
    starts_at             timestamp with time zone not null,
    -- null: permanent (eligible only: permanent active assignments live in account_role)
    ends_at               timestamp with time zone,
    -- eligible only: its holder may activate it without any approver when it is an emergency account
    emergency_activatable boolean      not null,
    -- 'assignment' (an administrator), 'activation' (the holder, approved where required), 'emergency'
    source                varchar(16)  not null,
    reason                varchar(500) not null,
    ticket                varchar(100),
    request_id            varchar(36),
    assigned_by           varchar(200) not null,
    assigned_at           timestamp with time zone not null,
    -- set when removed or deactivated before its end; the row stays as history
    ended_at              timestamp with time zone,
    ended_by              varchar(200)
);
-- The per-request read of the session's roles: one account's live rows.
create index pim_assignment_account on pim_assignment (account_id, kind);
create index pim_assignment_role on pim_assignment (role, assigned_at);

create table pim_role_setting (
    role                  varchar(64)  primary key,
    max_duration_seconds  integer      not null,
    approval_required     boolean      not null,
    approvals_needed      integer      not null,
    step_up_seconds       integer      not null,
    request_ttl_seconds   integer      not null,
    updated_at            timestamp with time zone,
    updated_by            varchar(200)
);
insert into pim_role_setting (role, max_duration_seconds, approval_required, approvals_needed, step_up_seconds, request_ttl_seconds) values
 ('global-admin', 3600, false, 1, 300, 86400),
 ('key-custodian', 3600, false, 1, 300, 86400),
 ('auditor', 3600, false, 1, 300, 86400);

create table pim_approver (
    role        varchar(64) not null,
    account_id  varchar(36) not null references account (id),
    primary key (role, account_id)
);

create table pim_request (
    id                varchar(36)  primary key,
    account_id        varchar(36)  not null references account (id),
    role              varchar(64)  not null,
    duration_seconds  integer      not null,
    justification     varchar(500) not null,
    ticket            varchar(100),
    -- 'pending', 'approved', 'denied', 'expired', 'cancelled'
    status            varchar(16)  not null,
    created_at        timestamp with time zone not null,
    expires_at        timestamp with time zone not null,
    decided_at        timestamp with time zone,
    decided_by        varchar(200),
    decision_reason   varchar(500),
    assignment_id     varchar(36)
);
create index pim_request_status on pim_request (status, role);
create index pim_request_account on pim_request (account_id, status);

create table pim_approval (
    request_id   varchar(36) not null references pim_request (id),
    approver_id  varchar(36) not null references account (id),
    approved_at  timestamp with time zone not null,
    primary key (request_id, approver_id)
);

insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('pim-emergency-activation', 'An emergency account activated a role without approval', 'pim.emergency_activation', 'success', null,
  false, false, 'critical', true),
 ('pim-activation', 'A privileged role was activated, or an activation request approved or denied',
  'pim.activate,pim.approve,pim.deny', 'success', null, false, false, 'info', true);
insert into alert_window (rule_id, delivered, suppressed)
 select id, 0, 0 from alert_rule where id in ('pim-emergency-activation', 'pim-activation');
