-- Issue 15: recovery codes, ten single-use codes a person may type in place of the authenticator
-- app's code. Only the SHA-256 of each is stored: a code is 80 random bits (NIST SP 800-63B §5.1.2,
-- look-up secrets), so a fast hash without salt cannot be searched. A new set replaces the old one.
create table recovery_code (
    account_id varchar(36) not null references account (id),
    code_hash  varchar(64) not null,
    created_at timestamp with time zone not null,
    used_at    timestamp with time zone,
    primary key (account_id, code_hash)
);
