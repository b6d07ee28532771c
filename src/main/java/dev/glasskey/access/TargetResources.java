package dev.glasskey.access;

import java.util.Set;

/**
 * Issue 17 §1, the resources a policy targets: the Glasskey console and API, all OpenID Connect
 * clients, or named clients (by client id). At least one must be chosen.
 */
public record TargetResources(boolean console, boolean allClients, Set<String> clients) {
    public TargetResources {
        clients = Set.copyOf(clients);
    }

    public static TargetResources consoleOnly() { return new TargetResources(true, false, Set.of()); }
    public static TargetResources everything() { return new TargetResources(true, true, Set.of()); }

    boolean isEmpty() { return !console && !allClients && clients.isEmpty(); }

    boolean targets(Resource resource) {
        return resource.kind() == Resource.Kind.CONSOLE ? console : allClients || clients.contains(resource.clientId());
    }
}
