-- Issue 16 §1: application roles, defined per OpenID Connect client (vault-admin, k8s-cluster-admin).
-- PIM assigns and activates them like directory roles, under the name '<client id>/<role>'
-- (account.Roles#application): each has a pim_role_setting row from its definition on; they reach only
-- that client's tokens. One script for H2 and PostgreSQL.
create table oidc_client_role (
    client_id    varchar(100) not null,
    name         varchar(64)  not null,
    description  varchar(200),
    created_at   timestamp with time zone not null,
    created_by   varchar(200) not null,
    primary key (client_id, name)
);

-- '<client id>/<role>' is up to 100 + 1 + 64 characters.
alter table pim_assignment alter column role set data type varchar(200);
alter table pim_role_setting alter column role set data type varchar(200);
alter table pim_approver alter column role set data type varchar(200);
alter table pim_request alter column role set data type varchar(200);

-- Issue 16 §3: the end of a time-bound assignment is audited once (pim.PimExpiry): set by the sweep that wrote the entry.
alter table pim_assignment add column expiry_audited_at timestamp with time zone;
