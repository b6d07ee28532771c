-- Issue 15: people sign in by name, with a password and an authenticator app (TOTP).
-- Emergency accounts never get a sign-in name or any of these methods (account.key_only).

-- The name a person types (as given), and the same name as compared: lower case, so that two names
-- differing only in case cannot both exist. A unique index allows many rows without a name.
alter table account add column sign_in_name varchar(254);
alter table account add column sign_in_key varchar(254);
create unique index account_sign_in_key on account (sign_in_key);

-- A person's password: Argon2id (Spring Security's encoder, its own parameter string), never the password.
create table account_password (
    account_id varchar(36)  primary key references account (id),
    hash       varchar(300) not null,
    changed_at timestamp with time zone not null
);

-- A person's authenticator app: the RFC 6238 shared secret, sealed (SealedColumn.TOTP). Pending until a
-- first code confirms it; last_step is the last time step accepted (each step once per account).
create table account_totp (
    account_id   varchar(36) primary key references account (id),
    secret       text        not null,
    status       varchar(16) not null,
    created_at   timestamp with time zone not null,
    confirmed_at timestamp with time zone,
    last_step    bigint
);
