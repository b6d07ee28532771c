-- Alert rules for the emergency readiness feature: a change refused by the lockout guard (someone
-- tried to remove emergency access), and drills (a drill sign-in is an emergency-account sign-in).
insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled) values
 ('lockout-guard', 'A change was refused: it would have left too few usable emergency accounts',
  'account.*,key.*,credential.*,allowlist.*,policy.*', 'failure', 'emergency.lockout_guard', false, false, 'critical', true),
 ('drill-signin', 'Drill sign-in with an emergency account', 'drill.signin', 'success', null, true, false, 'info', true),
 ('drill-signin-failure', 'Failed drill sign-in with an emergency account', 'drill.signin', 'failure', null, true, false, 'warning', true),
 ('drill-start', 'An emergency access drill was started', 'drill.start', null, null, false, false, 'info', true);
