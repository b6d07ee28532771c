package dev.glasskey.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Small builders for policies and contexts, shared by the access tests. */
final class AccessFixtures {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final UUID MODEL_X = UUID.fromString("0a0a0a0a-1111-4111-8111-000000000001");
    static final UUID MODEL_Y = UUID.fromString("0b0b0b0b-2222-4222-8222-000000000002");
    static final Set<String> KEY_AMR = Set.of("hwk", "user", "mfa");
    static final Set<String> SYNCED_AMR = Set.of("swk", "user", "mfa");
    static final Set<String> PASSWORD_OTP_AMR = Set.of("pwd", "otp", "mfa");

    private AccessFixtures() {}

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only in tests: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A person signing in to the console with a device-bound key of model X, from 203.0.113.7, just now. */
    static SignInContext person() {
        return new SignInContext("alice", false, Set.of(), Set.of(), Resource.CONSOLE, ip("203.0.113.7"), false,
                KEY_AMR, "phrh", MODEL_X, NOW, NOW);
    }

    static SignInContext with(SignInContext c, String accountId, boolean emergency) {
        return new SignInContext(accountId, emergency, c.rolesHeld(), c.rolesActive(), c.resource(), c.clientAddress(),
                c.deviceCompliant(), c.amr(), c.acr(), c.attestedModel(), c.authTime(), c.now());
    }

    static SignInContext roles(SignInContext c, Set<String> held, Set<String> active) {
        return new SignInContext(c.accountId(), c.emergency(), held, active, c.resource(), c.clientAddress(),
                c.deviceCompliant(), c.amr(), c.acr(), c.attestedModel(), c.authTime(), c.now());
    }

    static SignInContext at(SignInContext c, Resource resource, String address, boolean compliant) {
        return new SignInContext(c.accountId(), c.emergency(), c.rolesHeld(), c.rolesActive(), resource,
                address == null ? null : ip(address), compliant, c.amr(), c.acr(), c.attestedModel(), c.authTime(), c.now());
    }

    static SignInContext method(SignInContext c, Set<String> amr, String acr, UUID model, Duration age) {
        return new SignInContext(c.accountId(), c.emergency(), c.rolesHeld(), c.rolesActive(), c.resource(), c.clientAddress(),
                c.deviceCompliant(), amr, acr, model, c.now().minus(age), c.now());
    }

    static Policy policy(String id, Assignments who, Conditions when, GrantControls grant) {
        return new Policy(id, "Policy " + id, PolicyState.ON, who, when, grant, null);
    }

    static Policy allPeopleConsole(String id, Conditions when, GrantControls grant) {
        return policy(id, Assignments.allPeople(TargetResources.consoleOnly()), when, grant);
    }

    static Assignments include(Set<String> accounts, Set<String> roles) {
        return new Assignments(false, false, accounts, roles, false, Set.of(), Set.of(), TargetResources.everything());
    }

    static GrantControls require(AuthenticationStrength strength) {
        return GrantControls.allOf(new Control.RequireStrength(strength));
    }
}
