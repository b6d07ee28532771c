-- Signed-in sessions in the database (session/), so that any node serves any request, and the
-- one number that lets every request see at once that access was taken away.

-- Bumped in the same transaction as every change that takes access away from the account
-- (disabled, a role removed, "sign out everywhere"). A session and an OpenID Connect
-- authorization remember the value of their sign-in; a different value ends them.
alter table account add column security_version bigint default 0 not null;

-- Spring Session JDBC's tables, as its schema-h2.sql / schema-postgresql.sql create them (its own
-- schema initialisation is off). The attribute bytes are `bytea`, which PostgreSQL knows and H2
-- reads as BINARY VARYING, so one script serves both.
create table spring_session (
    primary_id            char(36)     not null,
    session_id            char(36)     not null,
    creation_time         bigint       not null,
    last_access_time      bigint       not null,
    max_inactive_interval integer      not null,
    expiry_time           bigint       not null,
    principal_name        varchar(100),
    constraint spring_session_pk primary key (primary_id)
);
create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

create table spring_session_attributes (
    session_primary_id char(36)     not null,
    attribute_name     varchar(200) not null,
    attribute_bytes    bytea        not null,
    constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
    constraint spring_session_attributes_fk foreign key (session_primary_id) references spring_session (primary_id) on delete cascade
);

-- ShedLock (net.javacrumbs.shedlock, JdbcTemplateLockProvider): jobs that must run on one node at
-- a time take this row's lease, judged on the database's clock.
create table shedlock (
    name       varchar(64)  not null primary key,
    lock_until timestamp    not null,
    locked_at  timestamp    not null,
    locked_by  varchar(255) not null
);

-- Outstanding enrolment challenges are bounded per link (webauthn/Ceremonies): found by link.
create index ceremony_enrolment on ceremony (enrolment_token_hash);
