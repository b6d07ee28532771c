-- Issue 20: an optional e-mail address on an account, set by an administrator, for the OpenID Connect email scope
-- (email, email_verified). email_verified is true only when the administrator who set the address asserted that it
-- was checked; Glasskey sends no mail to accounts and verifies nothing itself. Not unique: an emergency account may
-- carry a team's shared mailbox.
alter table account add column email varchar(254);
alter table account add column email_verified boolean default false not null;
