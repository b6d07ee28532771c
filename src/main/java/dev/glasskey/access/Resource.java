package dev.glasskey.access;

/**
 * What access is asked for (issue 17 §1, "target resources"): the Glasskey console and API, or
 * one OpenID Connect client by its client id.
 */
public record Resource(Kind kind, String clientId) {
    public enum Kind { CONSOLE, OIDC_CLIENT }

    /** The console and the REST API: one resource, as in Entra's "Microsoft Admin Portals". */
    public static final Resource CONSOLE = new Resource(Kind.CONSOLE, null);

    public Resource {
        if (kind == null || (kind == Kind.OIDC_CLIENT) == (clientId == null)) {
            throw new IllegalArgumentException("an OpenID Connect client resource names its client id, the console none");
        }
    }

    public static Resource client(String clientId) {
        return new Resource(Kind.OIDC_CLIENT, clientId);
    }

    @Override
    public String toString() {
        return kind == Kind.CONSOLE ? "console" : "client '" + clientId + "'";
    }
}
