-- Two indexes that no query uses, each re-written on every write of its table. On the embedded
-- H2 every commit writes each changed index page anew (copy-on-write), so each cost a page per
-- sign-in, token grant or audit entry (docs/PERFORMANCE.md, "Token endpoint").
--   audit_event_action: nothing reads the audit log by action (AuditStore reads by seq and by target).
--   oauth2_authorization_expiry: the hourly purge (ClientStore.purgeExpired) tests four expiry
--   columns, each "is null or <", which this index on one of them cannot serve (H2 and PostgreSQL
--   both scan); every refresh moved its entry.
drop index audit_event_action;
drop index oauth2_authorization_expiry;
