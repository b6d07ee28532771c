package dev.glasskey.system;

/** This build's version, from the jar's manifest ({@code Implementation-Version}); "development build" when run from classes. */
public final class Version {
    private Version() {}

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
