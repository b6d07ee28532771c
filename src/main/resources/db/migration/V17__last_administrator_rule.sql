-- Issue 18: the lockout guard also keeps the last administrator who can sign in. A change it
-- refuses for that reason alerts like one refused for the emergency minimum.
insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('last-administrator', 'A change was refused: it would have left no administrator who can sign in',
  'account.*,key.*,credential.*,allowlist.*,policy.*', 'failure', 'emergency.last_administrator', false, false, 'critical', true);
