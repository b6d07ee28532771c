-- Sign-in challenges are stateless (authenticated by the server's challenge MAC, see
-- webauthn/AssertionChallenges); this table only remembers the ones already answered, until
-- they expire, so each is single-use on every node.
create table used_challenge (
    challenge  varchar(100) primary key,
    expires_at timestamp with time zone not null
);
create index used_challenge_expiry on used_challenge (expires_at);
