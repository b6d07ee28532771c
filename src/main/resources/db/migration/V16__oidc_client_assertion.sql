-- private_key_jwt client authentication (oidc/ClientAssertions, RFC 7523 §3 item 7): every
-- client assertion's jti (SHA-256 hex, as the client's own text never becomes a key) is kept
-- until the assertion expires, so a replayed assertion is refused — by the primary key, on any
-- node. Assertions live at most 10 minutes; the authorization janitor purges expired rows.
create table oidc_client_assertion (
    client_id  varchar(100) not null,
    jti_hash   varchar(64)  not null,
    expires_at timestamp with time zone not null,
    primary key (client_id, jti_hash)
);

-- A client's public keys registered by value live in its settings (ClientAssertions.JWKS):
-- room for a few RSA keys besides the stock settings.
alter table oauth2_registered_client alter column client_settings set data type varchar(16000);
