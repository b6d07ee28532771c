-- Glasskey foundation schema. One migration set, run unchanged on H2 and PostgreSQL:
-- portable types only (varchar, text, boolean, bigint, integer, timestamp with time zone);
-- binary values are stored base64url-encoded.

create table account (
    id            varchar(36)  primary key,
    display_name  varchar(200) not null,
    emergency     boolean      not null,
    enabled       boolean      not null,
    -- WebAuthn user handle (L3 §14.6.1): 32 random bytes, never shared or reused
    user_handle   varchar(100) not null unique,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null
);

create table account_role (
    account_id  varchar(36) not null references account (id),
    role        varchar(64) not null,
    primary key (account_id, role)
);

-- Every user handle ever issued, so a handle is never reused even after an account is deleted.
create table user_handle_issued (
    user_handle varchar(100) primary key,
    issued_at   timestamp with time zone not null
);

create table security_key (
    id                varchar(36)  primary key,
    label             varchar(200) not null unique,
    aaguid            varchar(36),
    model             varchar(200),
    serial            varchar(200),
    custodian         varchar(200),
    location          varchar(200),
    capacity          integer      not null,
    status            varchar(16)  not null,
    created_at        timestamp with time zone not null,
    status_changed_at timestamp with time zone not null
);

create table credential (
    id                  varchar(36)   primary key,
    credential_id       varchar(1400) not null unique,
    account_id          varchar(36)   not null references account (id),
    key_id              varchar(36)   not null references security_key (id),
    public_key_cose     text          not null,
    signature_count     bigint        not null,
    aaguid              varchar(36)   not null,
    attestation_format  varchar(32)   not null,
    attestation_trusted boolean       not null,
    backup_eligible     boolean       not null,
    transports          varchar(200),
    status              varchar(16)   not null,
    status_reason       varchar(200),
    created_at          timestamp with time zone not null,
    last_used_at        timestamp with time zone,
    status_changed_at   timestamp with time zone not null
);
create index credential_account on credential (account_id);
create index credential_key on credential (key_id);

create table allowed_model (
    aaguid     varchar(36)  primary key,
    name       varchar(200) not null,
    -- PEM bundle of the vendor roots pinned for this model
    roots_pem  text         not null,
    created_at timestamp with time zone not null
);

create table enrolment (
    token_hash  varchar(64)  primary key,
    account_id  varchar(36)  not null references account (id),
    key_id      varchar(36)  references security_key (id),
    purpose     varchar(32)  not null,
    created_by  varchar(200) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);

-- Outstanding WebAuthn challenges, in the database so every node sees them; consumed by a
-- conditional delete, so a replay loses the race by construction.
create table ceremony (
    challenge            varchar(100) primary key,
    kind                 varchar(16)  not null,
    session_hash         varchar(64)  not null,
    request_json         text         not null,
    enrolment_token_hash varchar(64),
    expires_at           timestamp with time zone not null
);
create index ceremony_expiry on ceremony (expires_at);

create table server_key (
    id          varchar(64) primary key,
    purpose     varchar(32) not null,
    algorithm   varchar(16) not null,
    private_pem text        not null,
    public_pem  text        not null,
    status      varchar(16) not null,
    created_at  timestamp with time zone not null
);

-- Append-only audit log; each entry carries the hash of the previous one.
create table audit_event (
    seq        bigint       primary key,
    at         timestamp with time zone not null,
    actor      varchar(200) not null,
    action     varchar(64)  not null,
    target     varchar(200),
    outcome    varchar(16)  not null,
    reason     varchar(100),
    emergency  boolean      not null,
    flagged    boolean      not null,
    client     varchar(100),
    detail     text,
    prev_hash  varchar(64)  not null,
    hash       varchar(64)  not null
);
create index audit_event_action on audit_event (action);

-- The chain head: one row, updated in the same transaction as each append, so appends
-- serialise on its row lock and the chain never forks.
create table audit_head (
    id   integer     primary key,
    seq  bigint      not null,
    hash varchar(64) not null
);
insert into audit_head (id, seq, hash) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
