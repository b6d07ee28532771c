-- Emergency readiness: the lockout guard's lock, drills and the last readiness verdict.

-- One row. Every guarded administrative change locks it before reading the state it will
-- judge, so two concurrent changes cannot each leave "just enough" emergency accounts and
-- together leave too few (write skew under READ COMMITTED).
create table lockout_guard (
    id      integer primary key,
    changes bigint  not null
);
insert into lockout_guard (id, changes) values (1, 0);

-- A drill: a deliberate test sign-in, optionally limited to one account and/or one key.
create table drill (
    id          varchar(36)  primary key,
    account_id  varchar(36)  references account (id),
    key_id      varchar(36)  references security_key (id),
    started_by  varchar(200) not null,
    reason      varchar(200),
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    closed_at   timestamp with time zone
);

-- A validated (account, key) pair: the drill sign-in verified like any sign-in, but opened no session.
create table drill_result (
    id             varchar(36) primary key,
    drill_id       varchar(36) not null references drill (id),
    account_id     varchar(36) not null references account (id),
    key_id         varchar(36) not null references security_key (id),
    credential_id  varchar(36) not null references credential (id),
    at             timestamp with time zone not null
);
create index drill_result_pair on drill_result (account_id, key_id, at);

-- The last readiness verdict, so a change for the worse is noticed (and alerted) once.
create table readiness_state (
    id          integer     primary key,
    status      varchar(8)  not null,
    computed_at timestamp with time zone not null,
    summary     text
);

-- The registration ceremony each credential came from (request options and response, as JSON),
-- so that when a key model is added to the allow-list the credentials already enrolled with that
-- model are re-verified against its pinned roots by the same library, instead of all of them
-- silently becoming unusable (LESSONS: allow-list changes disabling keys in use).
create table credential_registration (
    credential_id varchar(36) primary key references credential (id),
    request_json  text not null,
    response_json text not null
);
