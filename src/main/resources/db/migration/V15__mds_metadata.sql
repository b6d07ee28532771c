-- Issue 19: key models from the FIDO Metadata Service (MDS3). Portable SQL (H2 and PostgreSQL), like V1.

-- The accepted MDS3 BLOB, as it was verified (the JWS in compact serialisation), in the database so
-- that every node and a restored backup have it and a restart keeps it. One row, always present:
-- serial 0 while no BLOB has been loaded. A load locks this row (select … for update), so two loads
-- serialise and the serial only ever goes up ("never go back to an older BLOB").
create table mds_blob (
    id          integer      primary key,
    -- the BLOB's "no" (MDS3 §3.1.6); 0: none loaded
    serial      bigint       not null,
    next_update date,
    -- SHA-256 (hex) of the JWS as stored
    sha256      varchar(64),
    jws         text,
    loaded_at   timestamp with time zone,
    loaded_by   varchar(200),
    -- how it arrived: cli, api, console, url
    source      varchar(16)
);
insert into mds_blob (id, serial) values (1, 0);

-- A model may now be allowed with the attestation roots of the loaded metadata instead of roots
-- pinned by hand: roots_pem is null for such a model (hand-pinned roots, when present, take precedence).
alter table allowed_model alter column roots_pem drop not null;

-- A key model in use by emergency accounts or administrators (or on the allow-list) turned up in a
-- loaded BLOB with a status in the deny set (glasskey.mds.deny-statuses).
insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('mds-model-compromised', 'FIDO metadata reports a key model in use as compromised or revoked', 'mds.model_compromised',
  null, null, false, false, 'critical', true);
-- Every rule has its coalescing window row from birth (V11).
insert into alert_window (rule_id, delivered, suppressed) values ('mds-model-compromised', 0, 0);
