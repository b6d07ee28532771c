-- Issue 14: signed audit checkpoints are published, as they are made, to every alert channel
-- marked "receives checkpoints" (webhook or syslog): a copy the database writer cannot reach.
-- They travel through the same outbox as alerts: one alert row marked checkpoint (its event_json
-- is the checkpoint) and one alert_delivery row per receiving channel, written in the transaction
-- that stores the checkpoint.
alter table alert_channel add column receives_checkpoints boolean default false not null;
alter table alert add column checkpoint boolean default false not null;
