-- Secrets at rest (issue 14; secret/ package, docs/OPERATIONS.md "Secrets at rest"): every private
-- key and secret in server_key.private_pem, oidc_signing_key.private_jwk and alert_channel.secret
-- is sealed (AES-256-GCM) under a key-encryption key (KEK) kept outside the database. One row per
-- KEK that sealed something here: its id (key check value) and a known text sealed under it, so
-- that a start with another key says which key it expected instead of failing on the first secret.
-- An empty table means the secrets are not sealed yet: the first start of this version seals them.
create table secret_kek (
    kek_id      varchar(32) primary key,
    check_value text        not null,
    created_at  timestamp with time zone not null
);
