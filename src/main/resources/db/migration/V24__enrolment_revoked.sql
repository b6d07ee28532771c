-- Issue 18: a revoked enrolment link is told apart from one that ran out. Revoking still ends the link at once
-- (expires_at is set to the moment of revocation, so every check that a link is still pending stays as it is);
-- these two columns say that it was revoked, and by whom (the actor's label, as created_by).
alter table enrolment add column revoked_at timestamp with time zone;
alter table enrolment add column revoked_by varchar(200);
