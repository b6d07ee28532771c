-- Access tokens issued by the client_credentials grant (oidc/AuthorizationStore): one narrow row
-- per token instead of a row of oauth2_authorization (33 columns, 6 indexes, the token's claims
-- as JSON). Such an authorization holds nothing but the access token, which is a signed JWT:
-- its claims are read back from the token itself when it is presented (introspection), after
-- its SHA-256 (base64url) has matched this row. Revocation sets 'invalidated'. Rows are purged
-- a day after expiry (by a scan: no expiry index, to keep the write path to one index).
create table oidc_client_token (
    token_hash           varchar(64)   primary key,
    registered_client_id varchar(100)  not null,
    principal_name       varchar(200)  not null,
    scopes               varchar(1000),
    issued_at            timestamp with time zone not null,
    expires_at           timestamp with time zone not null,
    invalidated          boolean       not null
);
