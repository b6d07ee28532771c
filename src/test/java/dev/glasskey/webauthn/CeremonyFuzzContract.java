package dev.glasskey.webauthn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded, seeded fuzz of both ceremonies over HTTP (issue 13): genuine registration and assertion
 * responses, each mutated once — bytes of the client data, the authenticator data (inside the
 * attestation object too), the signature, the attestation statement, or the JSON around them — and
 * posted. No mutation may answer 5xx; none that changed an authenticated byte (client data,
 * authenticator data, signature, user handle, credential id) may be accepted; and the audit chain,
 * which every refusal extends, verifies afterwards.
 *
 * <p>Every refusal commits twice (the burnt challenge, the audit entry), so the run is bound by
 * commit latency: {@value #WORKERS} workers share it, each with its own seed, account, key and
 * browser session, so each worker's sequence of mutations replays (the genuine payloads carry fresh
 * keys and challenges each run); a failure names the worker, the iteration and the mutation.
 */
interface CeremonyFuzzContract extends Fixtures {
    long SEED = 0x61a55e7L;
    int WORKERS = 3;
    /** Per worker. */
    int ASSERTIONS = 500;
    /** Per worker. */
    int REGISTRATIONS = 150;

    /** One mutated body and whether it changed bytes the ceremony authenticates. */
    record Mutation(String description, String body, boolean authenticated) {}

    @Test
    default void mutatedCeremoniesNeverAnswer5xxNorAcceptAnAuthenticatedChange() throws Exception {
        SignedInClient admin = newAdmin();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Map<String, Integer> outcomes = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WORKERS);
        List<java.util.concurrent.Future<Integer>> accepted = new ArrayList<>();
        try {
            for (int w = 0; w < WORKERS; w++) {
                Random random = new Random(SEED + w);
                String worker = "worker " + w + " ";
                accepted.add(pool.submit(() -> assertions(admin.http(), random, worker, failures, outcomes)
                        + registrations(admin.http(), random, worker, failures, outcomes)));
            }
            int passed = 0;
            for (java.util.concurrent.Future<Integer> f : accepted) {
                passed += f.get();
            }
            System.out.println("Ceremony fuzz outcomes (seed " + SEED + "): " + outcomes);
            assertThat(failures).as("mutations answered 5xx or accepted an authenticated change").isEmpty();
            // The mutations reach every layer: parsing, the strict encodings, the client data, the
            // attestation statement, the signature.
            assertThat(outcomes).containsKeys("assertion request.malformed", "assertion ceremony.credential_malformed",
                    "assertion assertion.signature_invalid", "assertion ceremony.challenge_unknown",
                    "registration ceremony.credential_malformed", "registration attestation.invalid");
            assertThat(passed).as("only mutations of unauthenticated parts may pass")
                    .isLessThan(WORKERS * (ASSERTIONS + REGISTRATIONS) / 4);
        } finally {
            pool.shutdownNow();
        }
        // Every refusal was audited in the chain; it must still verify end to end.
        JsonNode verification = admin.http().get("/api/audit/verify").json();
        assertThat(verification.path("intact").asBoolean()).as(verification.toString()).isTrue();
    }

    private int assertions(Client admin, Random random, String worker, List<String> failures, java.util.Map<String, Integer> outcomes) {
        String accountId = createAccount(admin, "Fuzzed " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Fuzz key " + System.nanoTime(), "Lab").path("id").asString();
        SoftwareAuthenticator key = newKey();
        assertThat(enrol(client(), issueLink(admin, accountId, keyId), key).status()).isEqualTo(201);
        String userHandle = accounts().get(accountId).userHandle();
        Client browser = client();
        int accepted = 0;
        for (int i = 0; i < ASSERTIONS; i++) {
            Client.Response options = browser.post("/api/webauthn/sign-in/options", "{}");
            ObjectNode genuine = (ObjectNode) Client.JSON.readTree(key.signIn(options.body(), userHandle));
            Mutation m = mutateAssertion(genuine, random);
            Client.Response r = browser.post("/api/webauthn/sign-in", m.body());
            accepted += judge(worker + "assertion", i, m, r, 200, failures);
            count(outcomes, "assertion", r);
        }
        return accepted;
    }

    private int registrations(Client admin, Random random, String worker, List<String> failures,
                              java.util.Map<String, Integer> outcomes) {
        int accepted = 0;
        String token = null;
        SoftwareAuthenticator key = null;
        Client browser = client();
        for (int i = 0; i < REGISTRATIONS; i++) {
            if (token == null) {
                String accountId = createAccount(admin, "Fuzzed " + System.nanoTime(), false).path("id").asString();
                token = issueLink(admin, accountId, registerKey(admin, "Fuzz key " + System.nanoTime(), "Lab").path("id").asString());
                key = newKey();
            }
            Client.Response options = browser.post("/api/enrolments/" + token + "/options", "{}");
            assertThat(options.status()).as(options.toString()).isEqualTo(200);
            ObjectNode genuine = (ObjectNode) Client.JSON.readTree(key.register(options.body()));
            Mutation m = mutateRegistration(genuine, random);
            Client.Response r = browser.post("/api/enrolments/" + token + "/credential", m.body());
            int passed = judge(worker + "registration", i, m, r, 201, failures);
            count(outcomes, "registration", r);
            if (passed > 0) {
                token = null; // the link is used up
            }
            accepted += passed;
        }
        return accepted;
    }

    private static void count(java.util.Map<String, Integer> outcomes, String ceremony, Client.Response r) {
        String outcome = r.contentType().startsWith("application/problem+json") ? r.code() : String.valueOf(r.status());
        outcomes.merge(ceremony + " " + outcome, 1, Integer::sum);
    }

    /** 1 when accepted; records a 5xx, and an accepted authenticated change, as failures. */
    private static int judge(String ceremony, int i, Mutation m, Client.Response r, int success, List<String> failures) {
        if (r.status() >= 500) {
            failures.add(ceremony + " #" + i + " (" + m.description() + "): " + r);
        }
        if (r.status() == success && m.authenticated()) {
            failures.add(ceremony + " #" + i + " (" + m.description() + ") accepted an authenticated change: " + r);
        }
        return r.status() == success ? 1 : 0;
    }

    // ------------------------------------------------------------------------------------------
    // Mutations
    // ------------------------------------------------------------------------------------------

    private static Mutation mutateAssertion(ObjectNode genuine, Random random) {
        return switch (random.nextInt(8)) {
            case 0, 1 -> bytes(genuine, "clientDataJSON", random);
            case 2, 3 -> bytes(genuine, "authenticatorData", random);
            case 4 -> bytes(genuine, "signature", random);
            case 5 -> bytes(genuine, "userHandle", random);
            case 6 -> {
                byte[] id = fromB64u(genuine.path("rawId").asString());
                byte[] changed = mutate(id, random);
                String b64 = b64u(changed);
                genuine.put(random.nextBoolean() ? "id" : "rawId", b64);
                if (random.nextBoolean()) {
                    genuine.put("id", b64).put("rawId", b64);
                }
                yield new Mutation("credential id", genuine.toString(), true);
            }
            default -> json(genuine, random);
        };
    }

    private static Mutation mutateRegistration(ObjectNode genuine, Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> bytes(genuine, "clientDataJSON", random);
            case 1, 2, 3 -> attestationObject(genuine, random);
            case 4 -> {
                // Mutate the authenticator data where it is signed: inside the attestation object.
                ObjectNode response = (ObjectNode) genuine.path("response");
                byte[] object = fromB64u(response.path("attestationObject").asString());
                byte[] authData = fromB64u(response.path("authenticatorData").asString());
                int at = indexOf(object, authData);
                byte[] changed = object.clone();
                int index = at + random.nextInt(authData.length);
                changed[index] ^= (byte) (1 + random.nextInt(255));
                response.put("attestationObject", b64u(changed));
                yield new Mutation("attestation object: authenticator data byte " + (index - at), genuine.toString(), true);
            }
            default -> json(genuine, random);
        };
    }

    /** A byte-level change anywhere in the attestation object; authenticated iff it lands in the authenticator data. */
    private static Mutation attestationObject(ObjectNode genuine, Random random) {
        ObjectNode response = (ObjectNode) genuine.path("response");
        byte[] object = fromB64u(response.path("attestationObject").asString());
        byte[] authData = fromB64u(response.path("authenticatorData").asString());
        int start = indexOf(object, authData);
        byte[] changed = mutate(object, random);
        response.put("attestationObject", b64u(changed));
        // Unchanged prefix and suffix: did the change touch [start, start + length)?
        int prefix = 0;
        while (prefix < Math.min(object.length, changed.length) && object[prefix] == changed[prefix]) {
            prefix++;
        }
        boolean touched = prefix < start + authData.length && prefix >= start;
        return new Mutation("attestation object at byte " + prefix + (touched ? " (authenticator data)" : ""), genuine.toString(), touched);
    }

    private static Mutation bytes(ObjectNode genuine, String member, Random random) {
        ObjectNode response = (ObjectNode) genuine.path("response");
        byte[] original = fromB64u(response.path(member).asString());
        response.put(member, b64u(mutate(original, random)));
        return new Mutation(member + " bytes", genuine.toString(), true);
    }

    /** Structure around the signed bytes: members removed, retyped, duplicated, the text cut. */
    private static Mutation json(ObjectNode genuine, Random random) {
        ObjectNode target = random.nextBoolean() ? genuine : (ObjectNode) genuine.path("response");
        List<String> names = new ArrayList<>(target.propertyNames());
        String name = names.get(random.nextInt(names.size()));
        String text = genuine.toString();
        return switch (random.nextInt(5)) {
            case 0 -> {
                target.remove(name);
                yield new Mutation("without " + name, genuine.toString(), false);
            }
            case 1 -> {
                switch (random.nextInt(5)) {
                    case 0 -> target.put(name, random.nextLong());
                    case 1 -> target.put(name, random.nextBoolean());
                    case 2 -> target.putNull(name);
                    case 3 -> target.putObject(name).put(name, "x");
                    default -> target.putArray(name).add(1);
                }
                yield new Mutation(name + " retyped", genuine.toString(), false);
            }
            case 2 -> new Mutation("cut at " + text.length() / 2, text.substring(0, random.nextInt(text.length())), false);
            case 3 -> new Mutation(name + " twice", text.replaceFirst("\\{", "{\"" + name + "\":" + target.path(name) + ","), false);
            default -> {
                target.put(name, "A".repeat(1 + random.nextInt(3000)));
                yield new Mutation(name + " replaced by text", genuine.toString(), false);
            }
        };
    }

    /** A different byte array: one random edit of {@code bytes}. */
    private static byte[] mutate(byte[] bytes, Random random) {
        while (true) {
            byte[] out = edit(bytes, random);
            if (!Arrays.equals(out, bytes)) {
                return out;
            }
        }
    }

    private static byte[] edit(byte[] b, Random random) {
        int op = b.length == 0 ? 3 : random.nextInt(7);
        int at = b.length == 0 ? 0 : random.nextInt(b.length);
        switch (op) {
            case 0 -> {
                byte[] out = b.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = b.clone();
                out[at] = (byte) random.nextInt(256);
                return out;
            }
            case 2 -> {
                byte[] out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                return out;
            }
            case 3 -> {
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = (byte) random.nextInt(256);
                System.arraycopy(b, at, out, at + 1, b.length - at);
                return out;
            }
            case 4 -> {
                return Arrays.copyOf(b, at);
            }
            case 5 -> {
                byte[] tail = new byte[1 + random.nextInt(8)];
                random.nextBytes(tail);
                byte[] out = Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, out, b.length, tail.length);
                return out;
            }
            default -> {
                byte[] out = b.clone();
                int other = random.nextInt(b.length);
                out[at] = b[other];
                out[other] = b[at];
                return out;
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("the authenticator data is not inside the attestation object");
    }

    private static String b64u(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] fromB64u(String value) {
        return Base64.getUrlDecoder().decode(value);
    }
}
