-- Issue 15: where a person is told about their own account (a recovery code used, a passkey or
-- their password and app added or removed): one e-mail address, set by an administrator (at the
-- invitation or later), never by the person, so whoever took over a session cannot redirect the
-- notices meant to warn the owner. Mailed through the enabled e-mail alert channel's server.
create table person_email (
    account_id varchar(36)  primary key references account (id) on delete cascade,
    email      varchar(254) not null
);
