-- Issue 20, back-channel logout (OpenID Connect Back-Channel Logout 1.0). Portable SQL (H2 and
-- PostgreSQL), like V5.

-- Which relying parties received tokens in which Glasskey session: one row per authorization
-- made by a code exchange for a client that registered a backchannel_logout_uri (its refreshes
-- stay in the same row). `sid` is the session's id as the ID tokens carry it (a random value kept
-- in the session, never its cookie). The logout job (oidc/BackchannelLogouts) judges every sid
-- named here against the sessions as they are; for a session that no longer stands it deletes the
-- pair's rows and queues one logout token per (sid, client) in the same transaction.
create table oidc_logout_session (
    authorization_id varchar(100) primary key,
    sid              varchar(64)  not null,
    client_id        varchar(100) not null,
    account_id       varchar(36)  not null,
    created_at       timestamp with time zone not null
);
create index oidc_logout_session_sid on oidc_logout_session (sid, client_id);

-- Logout tokens travel through the alerts' outbox and its delivery (leases, retries with back-off,
-- the row id as idempotency key): one alert row (its `rules` names the recipient kind,
-- 'backchannel-logout'; its event_json what to send) and one alert_delivery row that goes to no
-- alert channel. Such rows are invisible to the alert channels' views and counted in the outbox gauges.
alter table alert_delivery alter column channel_id drop not null;
