package dev.glasskey.key;

import java.time.Instant;

/**
 * One physical FIDO2 authenticator in the inventory.
 *
 * @param aaguid   model identifier (WebAuthn L3 §6.5.1), learned from the first verified enrolment if not given
 * @param capacity how many discoverable credentials the key can hold (CTAP 2.1 credential management)
 */
public record SecurityKey(String id, String label, String aaguid, String model, String serial, String custodian,
                          String location, int capacity, Status status, Instant createdAt, Instant statusChangedAt) {

    public enum Status {
        ACTIVE, LOST, RETIRED;

        public String value() { return name().toLowerCase(); }

        public static Status of(String value) { return valueOf(value.toUpperCase()); }
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
