-- OpenID Connect provider (oidc/): Spring Authorization Server's JDBC tables, made portable.
-- Their stock schema uses 'blob' (PostgreSQL has none) and 'timestamp' (loses the instant on
-- PostgreSQL). Here: 'timestamp with time zone', and unbounded 'varchar' for the token and
-- JSON columns. JdbcOAuth2AuthorizationService picks its parameter type from the column's JDBC
-- type (a static map shared by every instance in the JVM): 'varchar' reads as VARCHAR on both
-- H2 and PostgreSQL, where 'text' is CLOB on H2 and VARCHAR on PostgreSQL, so one JVM running
-- both (the test suite) would bind the wrong type on one of them.

create table oauth2_registered_client (
    id                            varchar(100)  primary key,
    client_id                     varchar(100)  not null unique,
    client_id_issued_at           timestamp with time zone default current_timestamp not null,
    client_secret                 varchar(200),
    client_secret_expires_at      timestamp with time zone,
    client_name                   varchar(200)  not null,
    client_authentication_methods varchar(1000) not null,
    authorization_grant_types     varchar(1000) not null,
    redirect_uris                 varchar(1000),
    post_logout_redirect_uris     varchar(1000),
    scopes                        varchar(1000) not null,
    client_settings               varchar(2000) not null,
    token_settings                varchar(2000) not null
);

create table oauth2_authorization (
    id                            varchar(100) primary key,
    registered_client_id          varchar(100) not null,
    principal_name                varchar(200) not null,
    authorization_grant_type      varchar(100) not null,
    authorized_scopes             varchar(1000),
    attributes                    varchar,
    state                         varchar(500),
    authorization_code_value      varchar,
    authorization_code_issued_at  timestamp with time zone,
    authorization_code_expires_at timestamp with time zone,
    authorization_code_metadata   varchar,
    access_token_value            varchar,
    access_token_issued_at        timestamp with time zone,
    access_token_expires_at       timestamp with time zone,
    access_token_metadata         varchar,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           varchar,
    oidc_id_token_issued_at       timestamp with time zone,
    oidc_id_token_expires_at      timestamp with time zone,
    oidc_id_token_metadata        varchar,
    refresh_token_value           varchar,
    refresh_token_issued_at       timestamp with time zone,
    refresh_token_expires_at      timestamp with time zone,
    refresh_token_metadata        varchar,
    user_code_value               varchar,
    user_code_issued_at           timestamp with time zone,
    user_code_expires_at          timestamp with time zone,
    user_code_metadata            varchar,
    device_code_value             varchar,
    device_code_issued_at         timestamp with time zone,
    device_code_expires_at        timestamp with time zone,
    device_code_metadata          varchar
);
-- Every token look-up is by value (code exchange, refresh, introspection, revocation, UserInfo).
create index oauth2_authorization_code on oauth2_authorization (authorization_code_value);
create index oauth2_authorization_access on oauth2_authorization (access_token_value);
create index oauth2_authorization_refresh on oauth2_authorization (refresh_token_value);
create index oauth2_authorization_id_token on oauth2_authorization (oidc_id_token_value);
create index oauth2_authorization_state on oauth2_authorization (state);
create index oauth2_authorization_expiry on oauth2_authorization (access_token_expires_at);

create table oauth2_authorization_consent (
    registered_client_id varchar(100)  not null,
    principal_name       varchar(200)  not null,
    authorities          varchar(1000) not null,
    primary key (registered_client_id, principal_name)
);

-- Token signing keys (JWK JSON, private part included, like server_key's PEM). A key signs
-- from activates_at until a newer key of its algorithm is active; it stays published in the
-- JWK Set until unpublish_at, so tokens it signed keep verifying until they have expired.
create table oidc_signing_key (
    kid           varchar(64) primary key,
    algorithm     varchar(16) not null,
    private_jwk   text        not null,
    created_at    timestamp with time zone not null,
    activates_at  timestamp with time zone not null,
    superseded_at timestamp with time zone,
    unpublish_at  timestamp with time zone
);
create index oidc_signing_key_alg on oidc_signing_key (algorithm, activates_at);
