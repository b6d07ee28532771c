package dev.glasskey.access;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * A policy as the REST API reads and writes it, and as it is stored (the {@code definition} column):
 * plain JSON values only, so hostile input is refused field by field with {@code access.policy_invalid}
 * (or the {@code access.*} code of the model's own check) before anything is stored. docs/API.md
 * describes every field.
 */
public record PolicyDocument(String name, String state, Include include, Exclude exclude, Targets resources,
                             When conditions, Grant grant, String signInFrequency) {
    static final int MAX_NAME = 200;
    static final int MAX_LIST = 500;

    public record Include(Boolean allPeople, Boolean emergencyAccounts, List<String> accounts, List<String> roles) {}

    public record Exclude(Boolean emergencyAccounts, List<String> accounts, List<String> roles) {}

    public record Targets(Boolean console, Boolean allClients, List<String> clients) {}

    public record When(NetworkCondition network, String device, MethodCondition method) {}

    public record NetworkCondition(Boolean anyNetwork, Boolean includeTrusted, List<String> include, Boolean excludeTrusted,
                                   List<String> exclude) {}

    public record MethodCondition(List<String> amr, List<String> acr) {}

    /** {@code operator}: {@code all-of} (default) or {@code one-of}. */
    public record Grant(Boolean block, String operator, List<ControlDocument> controls) {}

    /** {@code {"type":"strength","strength":"hardware-key"}}, {@code {"type":"compliant-device"}}. */
    public record ControlDocument(String type, String strength, List<String> models) {}

    /** The model policy with this id; every field checked here or by {@link PolicySet#of}. */
    public Policy toPolicy(String id) {
        String policyName = text(name, "name");
        PolicyState policyState = state(state);
        Include in = include == null ? new Include(null, null, null, null) : include;
        Exclude out = exclude == null ? new Exclude(null, null, null) : exclude;
        if (resources == null) {
            throw invalid("A policy needs its target resources.", "resources");
        }
        TargetResources targets = new TargetResources(flag(resources.console()), flag(resources.allClients()),
                set(resources.clients(), "resources.clients"));
        Assignments assignments = new Assignments(flag(in.allPeople()), flag(in.emergencyAccounts()), set(in.accounts(), "include.accounts"),
                set(in.roles(), "include.roles"), flag(out.emergencyAccounts()), set(out.accounts(), "exclude.accounts"),
                set(out.roles(), "exclude.roles"), targets);
        Conditions when = conditions == null ? Conditions.NONE : new Conditions(network(conditions.network()), device(conditions.device()),
                method(conditions.method()));
        if (grant == null) {
            throw invalid("A policy needs its grant controls (block, or controls required).", "grant");
        }
        return new Policy(id, policyName, policyState, assignments, when, grant(grant), frequency(signInFrequency));
    }

    /** The document of a model policy (what the API shows and the store keeps). */
    public static PolicyDocument of(Policy p) {
        Assignments a = p.assignments();
        TargetResources t = a.resources();
        Conditions c = p.conditions() == null ? Conditions.NONE : p.conditions();
        When when = new When(c.network() == null ? null : new NetworkCondition(c.network().anyNetwork(), c.network().includeTrusted(),
                sorted(c.network().includeLocations()), c.network().excludeTrusted(), sorted(c.network().excludeLocations())),
                c.device() == null ? null : c.device().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                c.method() == null ? null : new MethodCondition(sorted(c.method().amr()), sorted(c.method().acr())));
        List<ControlDocument> controls = new ArrayList<>();
        for (Control control : p.grant().controls()) {
            if (control instanceof Control.RequireStrength s) {
                controls.add(new ControlDocument("strength", s.strength().kind().strengthName(),
                        s.strength().models().isEmpty() ? null : sorted(s.strength().models().stream().map(UUID::toString).toList())));
            } else {
                controls.add(new ControlDocument("compliant-device", null, null));
            }
        }
        return new PolicyDocument(p.name(), stateName(p.state()),
                new Include(a.allPeople(), a.emergencyAccounts(), sorted(a.includeAccounts()), sorted(a.includeRoles())),
                new Exclude(a.excludeEmergencyAccounts(), sorted(a.excludeAccounts()), sorted(a.excludeRoles())),
                new Targets(t.console(), t.allClients(), sorted(t.clients())), when,
                new Grant(p.grant().block(), p.grant().operator() == GrantControls.Operator.ONE_OF ? "one-of" : "all-of", controls),
                p.signInFrequency() == null ? null : p.signInFrequency().toString());
    }

    public static String stateName(PolicyState state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static PolicyState state(String value) {
        if (value != null) {
            for (PolicyState s : PolicyState.values()) {
                if (stateName(s).equals(value)) {
                    return s;
                }
            }
        }
        throw invalid("The state must be 'on', 'report-only' or 'off'" + shown(value) + ".", "state");
    }

    private static Conditions.Network network(NetworkCondition n) {
        if (n == null) {
            return null;
        }
        return new Conditions.Network(flag(n.anyNetwork()), flag(n.includeTrusted()), set(n.include(), "conditions.network.include"),
                flag(n.excludeTrusted()), set(n.exclude(), "conditions.network.exclude"));
    }

    private static Conditions.Device device(String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "compliant" -> Conditions.Device.COMPLIANT;
            case "not-compliant" -> Conditions.Device.NOT_COMPLIANT;
            default -> throw invalid("The device condition must be 'compliant' or 'not-compliant'" + shown(value) + ".", "conditions.device");
        };
    }

    private static Conditions.Method method(MethodCondition m) {
        return m == null ? null : new Conditions.Method(set(m.amr(), "conditions.method.amr"), set(m.acr(), "conditions.method.acr"));
    }

    private static GrantControls grant(Grant g) {
        GrantControls.Operator operator;
        if (g.operator() == null || g.operator().equals("all-of")) {
            operator = GrantControls.Operator.ALL_OF;
        } else if (g.operator().equals("one-of")) {
            operator = GrantControls.Operator.ONE_OF;
        } else {
            throw invalid("The grant operator must be 'all-of' or 'one-of'" + shown(g.operator()) + ".", "grant.operator");
        }
        List<Control> controls = new ArrayList<>();
        List<ControlDocument> given = g.controls() == null ? List.of() : g.controls();
        if (given.size() > 10) {
            throw invalid("A policy has at most 10 grant controls.", "grant.controls");
        }
        for (int i = 0; i < given.size(); i++) {
            ControlDocument control = given.get(i);
            String field = "grant.controls[" + i + "]";
            if (control == null || control.type() == null) {
                throw invalid("A grant control needs its type: 'strength' or 'compliant-device'.", field + ".type");
            }
            switch (control.type()) {
                case "strength" -> controls.add(new Control.RequireStrength(strength(control, field)));
                case "compliant-device" -> {
                    if (control.strength() != null || control.models() != null) {
                        throw invalid("The control 'compliant-device' takes no strength or models.", field);
                    }
                    controls.add(Control.COMPLIANT_DEVICE);
                }
                default -> throw invalid("A grant control's type must be 'strength' or 'compliant-device'" + shown(control.type()) + ".",
                        field + ".type");
            }
        }
        return new GrantControls(flag(g.block()), operator, controls);
    }

    private static AuthenticationStrength strength(ControlDocument control, String field) {
        Set<UUID> models = new LinkedHashSet<>();
        List<String> given = control.models() == null ? List.of() : control.models();
        if (given.size() > MAX_LIST) {
            throw invalid("At most " + MAX_LIST + " models.", field + ".models");
        }
        for (String model : given) {
            try {
                if (model == null || model.length() != 36) {
                    throw new IllegalArgumentException();
                }
                models.add(UUID.fromString(model));
            } catch (IllegalArgumentException e) {
                throw invalid("A key model is an AAGUID (8-4-4-4-12 hex digits)" + shown(model) + ".", field + ".models");
            }
        }
        try {
            return AuthenticationStrength.named(control.strength(), models);
        } catch (GlasskeyException e) {
            throw new GlasskeyException(e.errorCode(), e.getMessage(), field + "." + e.field());
        }
    }

    private static Duration frequency(String value) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() > 40) {
                throw new DateTimeParseException("too long", value, 0);
            }
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new GlasskeyException(ErrorCode.ACCESS_SIGN_IN_FREQUENCY_INVALID, "A sign-in frequency is an ISO 8601 duration such as "
                    + "'PT8H' or 'P1D'" + shown(value) + ".", "signInFrequency");
        }
    }

    private static boolean flag(Boolean value) {
        return Boolean.TRUE.equals(value);
    }

    private static String text(String value, String field) {
        if (value == null || value.isBlank() || value.length() > MAX_NAME || !value.equals(value.strip())
                || value.chars().anyMatch(Character::isISOControl)) {
            throw invalid("A name of 1-" + MAX_NAME + " characters, without control characters or surrounding spaces, is needed.", field);
        }
        return value;
    }

    /** Ids, roles, client ids and amr/acr values: 1-200 printable characters each, at most 500 of them. */
    private static Set<String> set(List<String> values, String field) {
        if (values == null) {
            return Set.of();
        }
        if (values.size() > MAX_LIST) {
            throw invalid("At most " + MAX_LIST + " entries.", field);
        }
        Set<String> result = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isBlank() || v.length() > MAX_NAME || !v.equals(v.strip()) || v.chars().anyMatch(Character::isISOControl)) {
                throw invalid("Each entry is 1-" + MAX_NAME + " characters, without control characters or surrounding spaces.",
                        field + "[" + i + "]");
            }
            result.add(v);
        }
        return result;
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return values.stream().sorted().toList();
    }

    private static String shown(String value) {
        return value == null ? "" : ", not '" + Untrusted.shown(value) + "'";
    }

    private static GlasskeyException invalid(String detail, String field) {
        return new GlasskeyException(ErrorCode.ACCESS_POLICY_INVALID, detail, field);
    }
}
