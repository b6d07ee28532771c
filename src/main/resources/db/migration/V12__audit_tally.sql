-- Issue 13, bounded audit growth: refusals that are aggregated (anonymous refusals naming nothing
-- real, refusals of a request's shape or access, 429s) are counted here per window and key
-- instead of each becoming an entry of the chain. Nodes add their in-memory counts every few
-- seconds (audit/RefusalTally); when a window has ended its rows become one audit entry per
-- (window, client, actor, action) and are deleted (audit/RefusalFlush). So a flood grows this table
-- by at most one row per (window, address, actor, action, code), and the chain by one entry per
-- (window, address, actor, action). Columns are as wide as audit_event's.
create table audit_tally (
    window_start timestamp with time zone not null,
    client       varchar(100) not null,
    actor        varchar(200) not null,
    action       varchar(64)  not null,
    reason       varchar(100) not null,
    refusals     bigint       not null,
    first_at     timestamp with time zone not null,
    last_at      timestamp with time zone not null,
    sample       varchar(300),
    primary key (window_start, client, actor, action, reason)
);
