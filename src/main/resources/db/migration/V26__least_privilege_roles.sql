-- Issue 16, least privilege: three roles besides global-admin, key-custodian and auditor
-- (account.Roles, docs/API.md "Permissions"). Assignable through PIM like any role, with the same
-- defaults as the others (V22): activation up to 1 h, no approval, step-up within 5 min,
-- requests expire after a day.
insert into pim_role_setting (role, max_duration_seconds, approval_required, approvals_needed, step_up_seconds, request_ttl_seconds) values
 ('people-admin', 3600, false, 1, 300, 86400),
 ('alert-admin', 3600, false, 1, 300, 86400),
 ('client-admin', 3600, false, 1, 300, 86400);
