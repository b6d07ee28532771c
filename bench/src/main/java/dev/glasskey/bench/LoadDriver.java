package dev.glasskey.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.testing.SoftwareAuthenticator;

/**
 * Bounded load driver for complete usernameless sign-ins against a Glasskey server on
 * 127.0.0.1 (and nowhere else).
 *
 * <p>Set-up, all through the real HTTP API: read the first-administrator enrolment link from
 * the server's log, enrol the administrator with a software authenticator, sign in, create
 * {@code --accounts} accounts, one inventory key and one enrolment link each, and enrol every
 * account with its own software authenticator (real ES256 keys). Each account then signs in
 * once and its session is checked with {@code GET /api/session}.
 *
 * <p>Load: {@code --threads} threads, each with one keep-alive connection and a disjoint share
 * of the accounts (so no credential's signature counter is ever used by two requests at once),
 * repeat complete sign-ins as a fresh browser would: {@code POST /api/webauthn/sign-in/options}
 * (new session cookie), sign the challenge, {@code POST /api/webauthn/sign-in} with that cookie;
 * a sign-in counts as good only with status 200, the expected account in the body and a new
 * session cookie. First {@code --warmup} (not counted), then until {@code --duration} has passed
 * or {@code --max} sign-ins were made, whichever comes first.
 *
 * <p>Prints sign-ins/s, latency percentiles of the complete sign-in (and of each request), error
 * counts by kind and, with {@code --server-pid}, the CPU time the server and this driver spent per
 * sign-in (from /proc), plus the CPU taken by everything else on the machine in the same window.
 */
public final class LoadDriver {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UUID MODEL = UUID.fromString("6c1a9e3e-8f4b-4d0e-9a51-3b2f0c7d1e42");
    private static final Pattern LINK = Pattern.compile("https?://[^/\\s]+/enrol/([A-Za-z0-9_-]+)");

    private final Options o;
    private final String origin;
    private final String rpId;
    private final String hostHeader;
    private final int port;
    private final PrintStream log = System.out;

    record Account(String id, String userHandle, SoftwareAuthenticator key) {}

    private LoadDriver(Options o) {
        this.o = o;
        URI base = URI.create(o.baseUrl);
        String host = base.getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException("--base-url must be http://127.0.0.1:PORT or http://localhost:PORT; this driver loads only 127.0.0.1");
        }
        if (!"http".equals(base.getScheme()) || base.getPort() <= 0) {
            throw new IllegalArgumentException("--base-url must be http://127.0.0.1:PORT");
        }
        this.port = base.getPort();
        this.origin = o.origin != null ? o.origin : "http://localhost:" + port;
        this.rpId = URI.create(origin).getHost();
        this.hostHeader = "localhost:" + port;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        // As in the server: Bouncy Castle first, so the software authenticators' ES256 signing
        // (the driver's main cost) takes as little of the shared CPU as possible.
        Security.insertProviderAt(new BouncyCastleProvider(), 1);
        new LoadDriver(o).run();
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        String token = awaitEnrolmentToken();
        List<Account> accounts = setUp(token);
        log.printf(Locale.ROOT, "set-up: %d accounts enrolled and signed in once (session checked) in %.1f s%n",
                accounts.size(), (System.nanoTime() - t0) / 1e9);

        List<String> steps = o.appSignIns ? AppSignIn.STEPS : o.passwordSignIns ? PASSWORD_STEPS : SIGN_IN_STEPS;
        Attempt attempt = o.appSignIns ? new AppSignIn(application, origin)::run : o.passwordSignIns ? this::passwordSignIn
                : LoadDriver::plainSignIn;
        if (o.warmupSeconds > 0 && !o.apiReads) {
            log.printf(Locale.ROOT, "warm-up: %d s, %d threads%n", o.warmupSeconds, o.threads);
            Phase warm = runPhase(accounts, Duration.ofSeconds(o.warmupSeconds), o.max, steps, attempt);
            log.printf(Locale.ROOT, "warm-up: %d sign-ins, %.0f/s, %d errors%n", warm.ok.sum(), warm.ok.sum() / warm.seconds,
                    warm.errors());
        }
        if (o.apiReads) {
            runApiReads();
            return;
        }
        double liveBefore = heapAfterFullGcMib();
        java.time.Instant measureFrom = java.time.Instant.now();
        Cpu before = Cpu.read(o.serverPid);
        // The server's resident memory, sampled through the measured phase (a login flood must not grow it without bound).
        AtomicBoolean sampling = new AtomicBoolean(o.serverPid != null);
        AtomicLong rssMax = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                rssMax.accumulateAndGet(Cpu.rssMib(o.serverPid), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Phase phase = runPhase(accounts, Duration.ofSeconds(o.durationSeconds), o.max, steps, attempt);
        sampling.set(false);
        sampler.join();
        phase.rssMaxMib = rssMax.get();
        Cpu after = Cpu.read(o.serverPid);
        // RSS before the full GC below, which may give memory back to the OS.
        phase.rssAfterMib = o.serverPid == null ? -1 : Cpu.rssMib(o.serverPid);
        phase.liveHeapBeforeMib = liveBefore;
        phase.liveHeapAfterMib = heapAfterFullGcMib();
        if (o.profile != null) {
            // The server runs a flight recording from launch (-XX:StartFlightRecording=name=glasskey-bench):
            // starting one mid-run makes the JVM re-instrument JDK classes and recompile, which
            // would distort exactly the window we want. Dump the measured window only.
            jcmd("JFR.dump", "name=glasskey-bench", "filename=" + Path.of(o.profile).toAbsolutePath(),
                    "begin=" + measureFrom, "end=" + java.time.Instant.now());
            log.println("server profile of the measured phase: " + o.profile + " (summarise: bench/jfr-hot.py " + o.profile + " --thread http-nio)");
        }
        report(phase, before, after);
    }

    /** Runs the JDK's jcmd against the server (a flight recording of the measured phase only). */
    /**
     * The server's heap in use right after a full GC (MiB; -1 without a server pid): the live set. Taken before and
     * after the measured phase, the difference over the sign-ins between is what each sign-in leaves behind in the
     * heap (sessions live in the database, so this should be ~0).
     */
    private double heapAfterFullGcMib() {
        if (o.serverPid == null) return -1;
        try {
            jcmd("GC.run");
            String info = jcmd("GC.heap_info");
            // G1 prints one line for the heap ("garbage-first heap total …K, used …K"); the serial and parallel
            // collectors one per generation ("def new generation total …K, used …K", "tenured generation …").
            java.util.regex.Matcher generations = java.util.regex.Pattern.compile("(?:generation|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K").matcher(info);
            long used = 0;
            boolean found = false;
            while (generations.find()) {
                used += Long.parseLong(generations.group(1));
                found = true;
            }
            if (!found) {
                java.util.regex.Matcher heap = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
                if (!heap.find()) return -1;
                used = Long.parseLong(heap.group(1));
            }
            return used / 1024.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String jcmd(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(o.serverPid));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd failed: " + output);
        }
        return output;
    }

    // ---------------------------------------------------------------------------------------
    // Set-up through the API
    // ---------------------------------------------------------------------------------------

    private String awaitEnrolmentToken() throws Exception {
        if (o.enrolToken != null) {
            return o.enrolToken;
        }
        if (o.serverLog == null) {
            throw new IllegalArgumentException("give --server-log FILE (the server's stdout) or --enrol-token TOKEN");
        }
        // A server started on a busy machine can take a minute to print its link: wait up to three.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            Path p = Path.of(o.serverLog);
            if (Files.exists(p)) {
                Matcher m = LINK.matcher(Files.readString(p, StandardCharsets.UTF_8));
                String last = null;
                while (m.find()) last = m.group(1);
                if (last != null) return last;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no first-administrator enrolment link in " + o.serverLog
                + " (start the server on an empty data dir with --glasskey.base-url=http://localhost:" + port + ")");
    }

    /** The first administrator's key and user handle (set up by {@link #setUp}). */
    private SoftwareAuthenticator adminKey;
    private String adminHandle;
    /** The relying party registered for {@code --app-sign-ins}. */
    private AppSignIn.Application application;

    private List<Account> setUp(String adminToken) throws Exception {
        LoopbackHttp http = new LoopbackHttp(port, hostHeader);
        adminKey = newKey();
        expect(enrol(http, new LoopbackHttp.Cookies(), adminToken, adminKey), 201, "enrol the first administrator");
        adminHandle = adminKey.userHandles(rpId).get(0);
        LoopbackHttp.Cookies admin = new LoopbackHttp.Cookies();
        SignInResult signedIn = signIn(http, admin, adminKey, adminHandle);
        if (signedIn.response.status() != 200) {
            throw new IllegalStateException("administrator sign-in failed: " + signedIn.response);
        }
        http.get("/sign-in", admin); // the XSRF-TOKEN cookie
        String csrf = admin.get("XSRF-TOKEN");
        if (csrf == null) {
            throw new IllegalStateException("no XSRF-TOKEN cookie after GET /sign-in");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        if (o.passwordSignIns) {
            http.close();
            return invitePersons(admin, csrf, run);
        }
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < o.accounts; i++) {
            JsonNode account = JSON.readTree(expect(http.postJson("/api/accounts", admin, JSON.writeValueAsString(Map.of(
                    "displayName", "Load " + run + " " + i, "emergency", o.emergency, "roles", List.of())), csrf), 201,
                    "create account").text());
            JsonNode key = JSON.readTree(expect(http.postJson("/api/keys", admin, JSON.writeValueAsString(Map.of(
                    "label", "load-" + run + "-" + i, "location", "bench")), csrf), 201, "register key").text());
            JsonNode link = JSON.readTree(expect(http.postJson("/api/enrolments", admin, JSON.writeValueAsString(Map.of(
                    "accountId", account.path("id").asString(), "keyId", key.path("id").asString())), csrf), 201,
                    "issue enrolment link").text());
            SoftwareAuthenticator k = newKey();
            expect(enrol(http, new LoopbackHttp.Cookies(), link.path("token").asString(), k), 201, "enrol account " + i);
            accounts.add(new Account(account.path("id").asString(), k.userHandles(rpId).get(0), k));
        }
        if (o.appSignIns) {
            JsonNode client = JSON.readTree(expect(http.postJson("/api/clients", admin, JSON.writeValueAsString(Map.of(
                    "name", "load-" + run, "type", "confidential", "grantTypes", List.of("authorization_code", "refresh_token"),
                    "redirectUris", List.of(AppSignIn.REDIRECT), "scopes", List.of("openid", "profile"),
                    "idTokenSignedResponseAlg", "ES256")), csrf), 201, "register the application").text());
            application = new AppSignIn.Application(client.path("client").path("clientId").asString(),
                    client.path("clientSecret").asString());
        }
        // One checked sign-in per account: 200, the right account, and a session that answers.
        for (Account a : accounts) {
            LoopbackHttp.Cookies browser = new LoopbackHttp.Cookies();
            SignInResult r = signIn(http, browser, a.key, a.userHandle);
            String problem = r.problem(a);
            if (problem != null) throw new IllegalStateException("checked sign-in: " + problem);
            LoopbackHttp.Response session = http.get("/api/session", browser);
            if (session.status() != 200 || !a.id.equals(JSON.readTree(session.text()).path("accountId").asString())) {
                throw new IllegalStateException("session after sign-in: " + session);
            }
            if (application != null) {
                String appProblem = new AppSignIn(application, origin).run(http, a, new long[AppSignIn.STEPS.size()]);
                if (appProblem != null) throw new IllegalStateException("checked application sign-in: " + appProblem);
            }
        }
        http.close();
        return accounts;
    }

    // ---------------------------------------------------------------------------------------
    // Password + code sign-ins (issue 15)
    // ---------------------------------------------------------------------------------------

    /**
     * A person who signs in with a password and an authenticator-app code. {@code lastStep} is the last
     * TOTP time step spent (each step signs an account in once: issue 15), kept by the one thread that
     * owns the person.
     */
    static final class Person {
        final String signInName;
        final String password;
        final String secret;
        long lastStep;

        Person(String signInName, String password, String secret, long lastStep) {
            this.signInName = signInName;
            this.password = password;
            this.secret = secret;
            this.lastStep = lastStep;
        }
    }

    private final Map<String, Person> persons = new ConcurrentHashMap<>();

    /** The steps of a password + code sign-in: the sign-in page (its CSRF cookie), then name, password and code. */
    static final List<String> PASSWORD_STEPS = List.of("page", "password_and_code");

    /** Not an error: every code this person may use now is spent; the thread moves on to its next person. */
    static final String NO_CODE_NOW = "no code now";

    /**
     * Invites {@code --accounts} people and sets each up through the setup link over HTTP (password,
     * authenticator app, first code), {@code --threads} at a time; then one checked sign-in each.
     */
    private List<Account> invitePersons(LoopbackHttp.Cookies admin, String csrf, String run) throws Exception {
        List<Account> accounts = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong nextIndex = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < Math.min(o.threads, 4); t++) {
            // A jar per worker, each a copy of the administrator's (a jar is not shared between threads).
            LoopbackHttp.Cookies adminJar = new LoopbackHttp.Cookies();
            adminJar.values.putAll(admin.values);
            Thread worker = new Thread(() -> {
                try (LoopbackHttp http = new LoopbackHttp(port, hostHeader)) {
                    long i;
                    while ((i = nextIndex.getAndIncrement()) < o.accounts && failure.get() == null) {
                        String name = "load." + run + "." + i + "@example.org";
                        JsonNode invited = JSON.readTree(expect(http.postJson("/api/accounts/invitations", adminJar, JSON.writeValueAsString(Map.of(
                                "displayName", "Person " + run + " " + i, "signInName", name, "roles", List.of())), csrf), 201,
                                "invite person").text());
                        String token = invited.path("setupLink").path("token").asString();
                        String password = "load test passphrase " + run + " " + i;
                        LoopbackHttp.Cookies person = new LoopbackHttp.Cookies();
                        http.get("/sign-in", person);
                        String personCsrf = person.get("XSRF-TOKEN");
                        expect(http.postJson("/api/setup/" + token + "/password", person, JSON.writeValueAsString(Map.of("password", password)),
                                personCsrf), 204, "set password");
                        JsonNode app = JSON.readTree(expect(http.postJson("/api/setup/" + token + "/totp", person, "{}", personCsrf), 200,
                                "start app").text());
                        String secret = secretOf(app.path("uri").asString());
                        long step = dev.glasskey.totp.Totp.step(java.time.Instant.now());
                        expect(http.postJson("/api/setup/" + token + "/totp/confirm", person, JSON.writeValueAsString(Map.of(
                                "code", dev.glasskey.totp.Totp.code(secret, step))), personCsrf), 200, "confirm app");
                        String id = invited.path("accountId").asString();
                        persons.put(id, new Person(name, password, secret, step));
                        accounts.add(new Account(id, null, null));
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "set-up-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) w.join();
        if (failure.get() != null) throw failure.get();
        List<Account> sorted = new ArrayList<>(accounts);
        sorted.sort(java.util.Comparator.comparing(Account::id));
        // A checked sign-in for the first few (it spends a step, as any sign-in does): 200 for the right account. Not for
        // all: each costs a hash, and the warm-up signs every one of them in anyway (its errors are reported).
        try (LoopbackHttp http = new LoopbackHttp(port, hostHeader)) {
            for (Account a : sorted.subList(0, Math.min(4, sorted.size()))) {
                String problem;
                long[] steps = new long[PASSWORD_STEPS.size()];
                while (NO_CODE_NOW.equals(problem = passwordSignIn(http, a, steps))) {
                    Thread.sleep(1000);
                }
                if (problem != null) throw new IllegalStateException("checked password sign-in: " + problem);
            }
        }
        return sorted;
    }

    private static String secretOf(String otpauthUri) {
        for (String p : URI.create(otpauthUri).getRawQuery().split("&")) {
            if (p.startsWith("secret=")) return p.substring("secret=".length());
        }
        throw new IllegalStateException("no secret in " + otpauthUri);
    }

    /**
     * A fresh browser signs a person in: GET /sign-in (the CSRF cookie), then POST /api/sign-in/password
     * with name, password and a code of a time step not spent yet — this step or the next, the two the
     * server accepts that cannot slip out of its ±1 window before the request lands.
     */
    private String passwordSignIn(LoopbackHttp http, Account a, long[] stepNanos) throws IOException {
        Person p = persons.get(a.id);
        long now = dev.glasskey.totp.Totp.step(java.time.Instant.now());
        long step = Math.max(p.lastStep + 1, now);
        if (step > now + 1) {
            return NO_CODE_NOW;
        }
        p.lastStep = step;
        LoopbackHttp.Cookies browser = new LoopbackHttp.Cookies();
        long t0 = System.nanoTime();
        LoopbackHttp.Response page = http.get("/sign-in", browser);
        long t1 = System.nanoTime();
        if (page.status() != 200) return "sign-in page " + page.status();
        LoopbackHttp.Response r = http.postJson("/api/sign-in/password", browser, JSON.writeValueAsString(Map.of(
                "signInName", p.signInName, "password", p.password, "code", dev.glasskey.totp.Totp.code(p.secret, step))),
                browser.get("XSRF-TOKEN"));
        long t2 = System.nanoTime();
        stepNanos[0] = t1 - t0;
        stepNanos[1] = t2 - t1;
        if (r.status() != 200) {
            String code = "";
            try {
                code = " " + JSON.readTree(r.text()).path("code").asString();
            } catch (RuntimeException e) {
                // not a problem document
            }
            return "password sign-in " + r.status() + code;
        }
        if (!r.text().contains("\"accountId\":\"" + a.id + "\"")) return "password sign-in 200 for another account";
        return null;
    }

    private SoftwareAuthenticator newKey() {
        return SoftwareAuthenticator.packed(MODEL).origin(origin);
    }

    private LoopbackHttp.Response enrol(LoopbackHttp http, LoopbackHttp.Cookies browser, String token, SoftwareAuthenticator key)
            throws IOException {
        LoopbackHttp.Response options = expect(http.postJson("/api/enrolments/" + token + "/options", browser, null, null), 200,
                "enrolment options");
        return http.postJson("/api/enrolments/" + token + "/credential", browser, key.register(options.text()), null);
    }

    private static LoopbackHttp.Response expect(LoopbackHttp.Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + r);
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------
    // One complete sign-in
    // ---------------------------------------------------------------------------------------

    /** Timings in nanoseconds: options request, signing in the authenticator, sign-in request. */
    record SignInResult(LoopbackHttp.Response options, LoopbackHttp.Response response, boolean newSession,
                        long optionsNanos, long signNanos, long finishNanos) {
        String problem(Account a) {
            if (options.status() != 200) return "options " + options.status();
            if (response.status() != 200) {
                String code = "";
                try {
                    code = " " + JSON.readTree(response.text()).path("code").asString();
                } catch (RuntimeException e) {
                    // not a problem document
                }
                return "sign-in " + response.status() + code;
            }
            if (!newSession) return "sign-in 200 without a new session cookie";
            if (!response.text().contains("\"accountId\":\"" + a.id + "\"")) return "sign-in 200 for another account";
            return null;
        }
    }

    private static SignInResult signIn(LoopbackHttp http, LoopbackHttp.Cookies browser, SoftwareAuthenticator key, String handle)
            throws IOException {
        long a = System.nanoTime();
        LoopbackHttp.Response options = http.postJson("/api/webauthn/sign-in/options", browser, null, null);
        long b = System.nanoTime();
        if (options.status() != 200) {
            return new SignInResult(options, options, false, b - a, 0, 0);
        }
        String assertion = key.signIn(options.text(), handle);
        long c = System.nanoTime();
        String before = browser.get("JSESSIONID");
        LoopbackHttp.Response response = http.postJson("/api/webauthn/sign-in", browser, assertion, null);
        long d = System.nanoTime();
        String after = browser.get("JSESSIONID");
        boolean newSession = after != null && !after.equals(before);
        return new SignInResult(options, response, newSession, b - a, c - b, d - c);
    }

    // ---------------------------------------------------------------------------------------
    // Phases
    // ---------------------------------------------------------------------------------------

    /** One complete attempt by a fresh emulated browser: fills the steps' durations (ns), returns a problem or null. */
    interface Attempt {
        String run(LoopbackHttp http, Account a, long[] stepNanos) throws IOException;
    }

    /** The steps of a plain sign-in, as the report names them. */
    static final List<String> SIGN_IN_STEPS = List.of("options", "client_sign", "finish");

    private static String plainSignIn(LoopbackHttp http, Account a, long[] steps) throws IOException {
        SignInResult r = signIn(http, new LoopbackHttp.Cookies(), a.key, a.userHandle);
        steps[0] = r.optionsNanos;
        steps[1] = r.signNanos;
        steps[2] = r.finishNanos;
        return r.problem(a);
    }

    static final class Phase {
        final LongAdder ok = new LongAdder();
        /** Password mode: turns skipped because every code of the person was spent. */
        final LongAdder idle = new LongAdder();
        /** The server's largest resident set seen during the phase (MiB), 0 when not sampled. */
        long rssMaxMib;
        /** Heap in use after a full GC right before and right after the measured phase (MiB, -1 unknown). */
        double liveHeapBeforeMib = -1;
        long rssAfterMib = -1;
        double liveHeapAfterMib = -1;
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final List<String> steps;
        final List<long[]> total = new ArrayList<>();
        /** Per step, every thread's samples. */
        final List<List<long[]>> stepSamples = new ArrayList<>();
        final long[] counts;
        long connects;
        double seconds;

        Phase(int threads, List<String> steps) {
            this.steps = steps;
            counts = new long[threads];
            for (int i = 0; i < steps.size(); i++) stepSamples.add(new ArrayList<>());
        }

        long errors() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    private Phase runPhase(List<Account> accounts, Duration duration, long max, List<String> steps, Attempt attempt)
            throws InterruptedException {
        int threads = o.threads;
        int width = steps.size() + 1; // the whole attempt, then each step
        Phase phase = new Phase(threads, steps);
        AtomicLong started = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[][][] samples = new long[threads][][];
        long[] connects = new long[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            List<Account> mine = new ArrayList<>();
            for (int i = me; i < accounts.size(); i += threads) mine.add(accounts.get(i));
            Thread thread = new Thread(() -> {
                long[][] mySamples = new long[width][1024];
                long[] stepNanos = new long[steps.size()];
                int n = 0;
                LoopbackHttp http = new LoopbackHttp(port, hostHeader);
                try {
                    go.await();
                    int next = 0;
                    int idle = 0;
                    while (!stop.get() && started.incrementAndGet() <= max) {
                        Account a = mine.get(next++ % mine.size());
                        long begin = System.nanoTime();
                        try {
                            String problem = attempt.run(http, a, stepNanos);
                            long elapsed = System.nanoTime() - begin;
                            if (NO_CODE_NOW.equals(problem)) {
                                // Every code of this person is spent for now: not an attempt. All of them spent: wait a little.
                                if (++idle >= mine.size()) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                                    idle = 0;
                                }
                                phase.idle.increment();
                                continue;
                            }
                            idle = 0;
                            if (problem != null) {
                                phase.error(problem);
                                continue;
                            }
                            if (n == mySamples[0].length) {
                                for (int i = 0; i < width; i++) mySamples[i] = Arrays.copyOf(mySamples[i], n * 2);
                            }
                            mySamples[0][n] = elapsed;
                            for (int i = 0; i < stepNanos.length; i++) mySamples[i + 1][n] = stepNanos[i];
                            n++;
                            phase.ok.increment();
                        } catch (IOException | RuntimeException e) {
                            phase.error("exception " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    for (int i = 0; i < width; i++) mySamples[i] = Arrays.copyOf(mySamples[i], n);
                    samples[me] = mySamples;
                    connects[me] = http.connects;
                    http.close();
                    done.countDown();
                }
            }, "load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        long begin = System.nanoTime();
        go.countDown();
        boolean finished = done.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        stop.set(true);
        if (!finished && !done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("driver threads did not stop within 60 s of the deadline");
        }
        phase.seconds = (System.nanoTime() - begin) / 1e9;
        for (int t = 0; t < threads; t++) {
            phase.total.add(samples[t][0]);
            for (int i = 0; i < steps.size(); i++) phase.stepSamples.get(i).add(samples[t][i + 1]);
            phase.counts[t] = samples[t][0].length;
            phase.connects += connects[t];
        }
        return phase;
    }

    /**
     * Authenticated console reads: each thread signs the administrator in once (its own session),
     * then sends {@code GET /api/accounts} with that session in a loop — warm-up, then the measured
     * phase. What each read costs beyond the listing itself is the session: its database read and
     * write-back and the per-request re-check of the sign-in.
     */
    private void runApiReads() throws Exception {
        if (o.warmupSeconds > 0) {
            Phase warm = readPhase(Duration.ofSeconds(o.warmupSeconds));
            log.printf(Locale.ROOT, "warm-up: %d reads, %.0f/s, %d errors%n", warm.ok.sum(), warm.ok.sum() / warm.seconds, warm.errors());
        }
        double liveBefore = heapAfterFullGcMib();
        java.time.Instant measureFrom = java.time.Instant.now();
        Cpu before = Cpu.read(o.serverPid);
        Phase phase = readPhase(Duration.ofSeconds(o.durationSeconds));
        Cpu after = Cpu.read(o.serverPid);
        // RSS before the full GC below, which may give memory back to the OS.
        phase.rssAfterMib = o.serverPid == null ? -1 : Cpu.rssMib(o.serverPid);
        phase.liveHeapBeforeMib = liveBefore;
        phase.liveHeapAfterMib = heapAfterFullGcMib();
        if (o.profile != null) {
            jcmd("JFR.dump", "name=glasskey-bench", "filename=" + Path.of(o.profile).toAbsolutePath(),
                    "begin=" + measureFrom, "end=" + java.time.Instant.now());
        }
        long ok = phase.ok.sum();
        long[] total = merge(phase.total);
        Map<String, String> r = new LinkedHashMap<>();
        r.put("reads_ok", Long.toString(ok));
        r.put("reads_errors", Long.toString(phase.errors()));
        r.put("seconds", fmt(phase.seconds));
        r.put("reads_per_s", fmt(ok / phase.seconds));
        r.put("threads", Integer.toString(o.threads));
        r.put("accounts", Integer.toString(o.accounts + 1));
        r.put("latency_p50_ms", ms(pct(total, 50)));
        r.put("latency_p99_ms", ms(pct(total, 99)));
        if (before != null && after != null && ok > 0) {
            double server = (after.serverTicks - before.serverTicks) / Cpu.HZ;
            r.put("server_cpu_s", fmt(server));
            r.put("server_cpu_ms_per_read", fmt3(server * 1000 / ok));
        }
        log.println();
        log.println("=== Glasskey authenticated API reads (GET /api/accounts with a signed-in session)");
        log.printf(Locale.ROOT, "reads: %d ok, %d errors in %.1f s  ->  %s reads/s (%d threads, %d accounts listed)%n",
                ok, phase.errors(), phase.seconds, r.get("reads_per_s"), o.threads, o.accounts + 1);
        log.printf(Locale.ROOT, "latency: p50 %s ms, p99 %s ms; server CPU %s ms per read%n", r.get("latency_p50_ms"),
                r.get("latency_p99_ms"), r.getOrDefault("server_cpu_ms_per_read", "?"));
        if (!phase.errors.isEmpty()) {
            phase.errors.forEach((k, v) -> log.printf("  %6d  %s%n", v.sum(), k));
        }
        if (o.out != null) {
            StringBuilder b = new StringBuilder();
            r.forEach((k, v) -> b.append("apiread.").append(k).append('=').append(v).append('\n'));
            Files.writeString(Path.of(o.out), b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private Phase readPhase(Duration duration) throws InterruptedException, IOException {
        int threads = o.threads;
        Phase phase = new Phase(threads, List.of());
        // One administrator session per thread, signed in one after the other: one key signing
        // concurrently would send its counters out of order, which suspends the credential (a
        // possible clone) and, rightly, ends every session made with it.
        List<LoopbackHttp.Cookies> sessions = new ArrayList<>();
        try (LoopbackHttp signer = new LoopbackHttp(port, hostHeader)) {
            for (int t = 0; t < threads; t++) {
                LoopbackHttp.Cookies session = new LoopbackHttp.Cookies();
                SignInResult signedIn = signIn(signer, session, adminKey, adminHandle);
                if (signedIn.response.status() != 200) {
                    throw new IllegalStateException("administrator sign-in for the read phase: " + signedIn.response);
                }
                sessions.add(session);
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[][] totals = new long[threads][];
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread thread = new Thread(() -> {
                long[] tot = new long[1024];
                int n = 0;
                LoopbackHttp http = new LoopbackHttp(port, hostHeader);
                LoopbackHttp.Cookies session = sessions.get(me);
                try {
                    go.await();
                    while (!stop.get()) {
                        long begin = System.nanoTime();
                        try {
                            LoopbackHttp.Response r = http.get("/api/accounts", session);
                            if (r.status() != 200) {
                                phase.error("GET /api/accounts " + r.status());
                                continue;
                            }
                            if (n == tot.length) tot = Arrays.copyOf(tot, n * 2);
                            tot[n++] = System.nanoTime() - begin;
                            phase.ok.increment();
                        } catch (IOException | RuntimeException e) {
                            phase.error("exception " + e.getClass().getSimpleName());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    totals[me] = Arrays.copyOf(tot, n);
                    http.close();
                    done.countDown();
                }
            }, "read-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        long begin = System.nanoTime();
        go.countDown();
        boolean finished = done.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        stop.set(true);
        if (!finished && !done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("driver threads did not stop within 60 s of the deadline");
        }
        phase.seconds = (System.nanoTime() - begin) / 1e9;
        for (int t = 0; t < threads; t++) {
            phase.total.add(totals[t]);
        }
        return phase;
    }

    // ---------------------------------------------------------------------------------------
    // Report
    // ---------------------------------------------------------------------------------------

    private void report(Phase p, Cpu before, Cpu after) throws IOException {
        long ok = p.ok.sum();
        double rate = ok / p.seconds;
        long[] total = merge(p.total);
        Map<String, String> r = new LinkedHashMap<>();
        r.put("signins_ok", Long.toString(ok));
        r.put("signins_errors", Long.toString(p.errors()));
        r.put("seconds", fmt(p.seconds));
        r.put("signins_per_s", fmt(rate));
        r.put("threads", Integer.toString(o.threads));
        r.put("accounts", Integer.toString(o.accounts));
        r.put("latency_p50_ms", ms(pct(total, 50)));
        r.put("latency_p90_ms", ms(pct(total, 90)));
        r.put("latency_p99_ms", ms(pct(total, 99)));
        r.put("latency_max_ms", ms(total.length == 0 ? 0 : total[total.length - 1]));
        StringBuilder stepLine = new StringBuilder();
        for (int i = 0; i < p.steps.size(); i++) {
            long[] samples = merge(p.stepSamples.get(i));
            String step = p.steps.get(i);
            r.put(step + "_p50_ms", ms(pct(samples, 50)));
            r.put(step + "_p99_ms", ms(pct(samples, 99)));
            stepLine.append(String.format(Locale.ROOT, "%s%s p50 %s / p99 %s ms", stepLine.length() == 0 ? "  " : "; ", step,
                    r.get(step + "_p50_ms"), r.get(step + "_p99_ms")));
        }
        r.put("connections_opened", Long.toString(p.connects));
        if (before != null && after != null && ok > 0) {
            double server = (after.serverTicks - before.serverTicks) / Cpu.HZ;
            double driver = (after.selfTicks - before.selfTicks) / Cpu.HZ;
            double machine = (after.machineBusyTicks - before.machineBusyTicks) / Cpu.HZ;
            r.put("server_cpu_s", fmt(server));
            r.put("server_cpu_ms_per_signin", fmt3(server * 1000 / ok));
            r.put("server_cores_used", fmt(server / p.seconds));
            r.put("driver_cpu_s", fmt(driver));
            r.put("driver_cpu_ms_per_signin", fmt3(driver * 1000 / ok));
            r.put("other_processes_cpu_s", fmt(Math.max(0, machine - server - driver)));
            r.put("signins_per_server_cpu_s", fmt(ok / server));
            if (before.serverStorageWriteBytes >= 0 && after.serverStorageWriteBytes >= 0) {
                r.put("server_storage_write_kib_per_signin", fmt((after.serverStorageWriteBytes - before.serverStorageWriteBytes) / 1024.0 / ok));
            }
        }
        if (o.serverPid != null) {
            r.put("server_rss_mib", Long.toString(p.rssAfterMib >= 0 ? p.rssAfterMib : Cpu.rssMib(o.serverPid)));
            r.put("server_rss_max_mib", Long.toString(p.rssMaxMib));
            if (p.liveHeapBeforeMib >= 0 && p.liveHeapAfterMib >= 0) {
                r.put("server_live_heap_before_mib", fmt(p.liveHeapBeforeMib));
                r.put("server_live_heap_after_mib", fmt(p.liveHeapAfterMib));
                r.put("server_live_heap_kib_per_signin", fmt3((p.liveHeapAfterMib - p.liveHeapBeforeMib) * 1024 / Math.max(1, ok)));
            }
        }
        log.println();
        if (p.idle.sum() > 0) {
            r.put("idle_turns", Long.toString(p.idle.sum()));
        }
        log.println(o.passwordSignIns
                ? "=== Glasskey password + code sign-ins (GET /sign-in -> POST /api/sign-in/password: Argon2id + TOTP -> 200 + new session)"
                : o.appSignIns
                ? "=== Glasskey complete application sign-ins (authorize -> sign-in page -> options -> ES256 -> sign-in -> authorize -> code -> token)"
                : "=== Glasskey complete sign-ins (POST options -> ES256 sign -> POST sign-in -> 200 + new session)");
        log.printf(Locale.ROOT, "sign-ins: %d ok, %d errors in %.1f s  ->  %.0f sign-ins/s (%d threads, %d accounts)%n",
                ok, p.errors(), p.seconds, rate, o.threads, o.accounts);
        log.printf(Locale.ROOT, "latency of a complete sign-in: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms%n",
                r.get("latency_p50_ms"), r.get("latency_p90_ms"), r.get("latency_p99_ms"), r.get("latency_max_ms"));
        log.println(stepLine);
        if (r.containsKey("server_cpu_s")) {
            log.printf(Locale.ROOT, "CPU: server %s s (%s ms per sign-in, %s cores), driver %s s (%s ms per sign-in), other processes %s s%n",
                    r.get("server_cpu_s"), r.get("server_cpu_ms_per_signin"), r.get("server_cores_used"), r.get("driver_cpu_s"),
                    r.get("driver_cpu_ms_per_signin"), r.get("other_processes_cpu_s"));
            if (r.containsKey("server_storage_write_kib_per_signin")) {
                log.printf(Locale.ROOT, "storage written by the server: %s KiB per sign-in%n", r.get("server_storage_write_kib_per_signin"));
            }
            log.printf(Locale.ROOT, "  -> %s sign-ins per second of server CPU; server CPU by thread group:%n", r.get("signins_per_server_cpu_s"));
            Cpu.delta(before, after).forEach((group, ticks) -> {
                log.printf(Locale.ROOT, "     %6.1f s  %5.1f%%  %s%n", ticks / Cpu.HZ,
                        100.0 * ticks / Math.max(1, after.serverTicks - before.serverTicks), group);
                r.put("server_cpu_s." + group.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", ""), fmt(ticks / Cpu.HZ));
            });
        }
        if (r.containsKey("server_rss_mib")) {
            log.printf(Locale.ROOT, "server RSS right after the measured phase: %s MiB (at most %s MiB during it)%n", r.get("server_rss_mib"),
                    r.get("server_rss_max_mib"));
        }
        if (r.containsKey("server_live_heap_after_mib")) {
            log.printf(Locale.ROOT, "server heap after a full GC: %s MiB before the measured phase, %s MiB after it (%s KiB per sign-in)%n",
                    r.get("server_live_heap_before_mib"), r.get("server_live_heap_after_mib"), r.get("server_live_heap_kib_per_signin"));
        }
        if (!p.errors.isEmpty()) {
            log.println("errors:");
            p.errors.forEach((k, v) -> log.printf("  %6d  %s%n", v.sum(), k));
        }
        if (o.out != null) {
            StringBuilder b = new StringBuilder();
            r.forEach((k, v) -> b.append("load.").append(k).append('=').append(v).append('\n'));
            p.errors.forEach((k, v) -> b.append("load.error.").append(k.replaceAll("[^A-Za-z0-9_.]+", "_")).append('=').append(v.sum()).append('\n'));
            Files.writeString(Path.of(o.out), b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** CPU ticks from /proc: the server process, this process, and the whole machine (busy). */
    record Cpu(long serverTicks, long selfTicks, long machineBusyTicks, Map<String, Long> serverThreads, long serverStorageWriteBytes) {
        static final double HZ = 100.0; // USER_HZ on Linux

        /**
         * Server threads grouped by what they do, from /proc/PID/task/TID/comm (the kernel keeps
         * only the first 15 characters of a Java thread name, e.g. "http-nio-18080-").
         */
        static String group(String comm) {
            if (comm.startsWith("http-nio-") || comm.startsWith("https-")) return "Tomcat threads (request workers, poller, acceptor)";
            if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) return "garbage collector (G1)";
            if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) return "JIT compiler";
            return "other JVM threads";
        }

        static Map<String, Long> threads(long pid) {
            Map<String, Long> byGroup = new java.util.TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        byGroup.merge(group(comm) + "|" + task.getFileName(), processTicks(task.resolve("stat")), Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return Map.of();
            }
            return byGroup;
        }

        /** Per-group ticks spent between two snapshots (threads born meanwhile count from zero). */
        static Map<String, Long> delta(Cpu before, Cpu after) {
            Map<String, Long> out = new java.util.TreeMap<>();
            after.serverThreads.forEach((key, ticks) -> {
                long spent = ticks - before.serverThreads.getOrDefault(key, 0L);
                out.merge(key.substring(0, key.indexOf('|')), spent, Long::sum);
            });
            return out;
        }

        static Cpu read(Long serverPid) {
            try {
                Map<String, Long> threads = serverPid == null ? Map.of() : threads(serverPid);
                long server = serverPid == null ? 0 : processTicks(Path.of("/proc/" + serverPid + "/stat"));
                long self = processTicks(Path.of("/proc/self/stat"));
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < cpu.length; i++) {
                    if (i != 4 && i != 5) busy += Long.parseLong(cpu[i]); // all but idle and iowait
                }
                return serverPid == null ? null : new Cpu(server, self, busy, threads, storageWriteBytes(serverPid));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * Bytes the process caused to be written to storage (/proc/PID/io write_bytes: the embedded
         * database's commits, logs). On H2 most of a commit's CPU is writing the changed pages, so
         * bytes per operation is a measure of that cost that, unlike CPU time, other load on the
         * machine does not inflate. -1 if unreadable.
         */
        static long storageWriteBytes(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                    if (line.startsWith("write_bytes:")) {
                        return Long.parseLong(line.substring("write_bytes:".length()).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not readable here
            }
            return -1;
        }

        /** Resident set size of a process (VmRSS), MiB; -1 if unreadable. */
        static long rssMib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended
            }
            return -1;
        }

        private static long processTicks(Path stat) throws IOException {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        }
    }

    // ---------------------------------------------------------------------------------------
    // Options
    // ---------------------------------------------------------------------------------------

    static final class Options {
        String baseUrl;
        String origin;
        String serverLog;
        String enrolToken;
        Long serverPid;
        String out;
        String profile;
        int accounts = 200;
        int threads = 8;
        long durationSeconds = 30;
        long warmupSeconds = 10;
        long max = 100_000;
        boolean emergency;
        boolean apiReads;
        boolean appSignIns;
        boolean passwordSignIns;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--base-url" -> { o.baseUrl = v; i++; }
                    case "--origin" -> { o.origin = v; i++; }
                    case "--server-log" -> { o.serverLog = v; i++; }
                    case "--enrol-token" -> { o.enrolToken = v; i++; }
                    case "--server-pid" -> { o.serverPid = Long.parseLong(v); i++; }
                    case "--out" -> { o.out = v; i++; }
                    case "--profile" -> { o.profile = v; i++; }
                    case "--accounts" -> { o.accounts = Integer.parseInt(v); i++; }
                    case "--threads" -> { o.threads = Integer.parseInt(v); i++; }
                    case "--duration" -> { o.durationSeconds = seconds(v); i++; }
                    case "--warmup" -> { o.warmupSeconds = seconds(v); i++; }
                    case "--max" -> { o.max = Long.parseLong(v); i++; }
                    case "--emergency" -> o.emergency = true;
                    case "--api-reads" -> o.apiReads = true;
                    case "--app-sign-ins" -> o.appSignIns = true;
                    case "--password-sign-ins" -> o.passwordSignIns = true;
                    case "--help", "-h" -> {
                        System.out.println("""
                                LoadDriver --base-url http://127.0.0.1:PORT (--server-log FILE | --enrol-token TOKEN)
                                  [--origin http://localhost:PORT] [--accounts 200] [--threads 8] [--warmup 10s]
                                  [--duration 30s] [--max 100000] [--server-pid PID] [--emergency] [--out results.properties]
                                  [--profile server.jfr]  (with --server-pid, and a server started with
                                   -XX:StartFlightRecording=name=glasskey-bench: dumps the measured phase)
                                  [--api-reads]  instead of sign-ins, measure GET /api/accounts with signed-in
                                   administrator sessions (one per thread); --accounts then sets how many are listed
                                  [--password-sign-ins]  password + authenticator-app sign-ins of invited people instead
                                   (GET /sign-in, POST /api/sign-in/password; each TOTP step once per person, so
                                   --accounts must cover about 30 s of sign-ins)
                                  [--app-sign-ins]  complete application sign-ins through OpenID Connect instead:
                                   authorize (PKCE) -> sign-in page -> options -> ES256 -> sign-in -> authorize -> code
                                   -> token exchange (a confidential client registered at set-up)
                                Loads only 127.0.0.1. Needs a server on an empty data dir started with
                                --glasskey.base-url=http://localhost:PORT (its first-administrator link is read from the log).""");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (--help)");
                }
            }
            if (o.baseUrl == null) throw new IllegalArgumentException("--base-url http://127.0.0.1:PORT is required");
            if (o.profile != null && o.serverPid == null) throw new IllegalArgumentException("--profile needs --server-pid");
            if (o.apiReads && o.appSignIns) throw new IllegalArgumentException("--api-reads and --app-sign-ins measure different things: choose one");
            if (o.threads < 1 || o.accounts < o.threads) {
                throw new IllegalArgumentException("need 1 <= --threads <= --accounts (each thread owns its accounts)");
            }
            if (o.durationSeconds < 1 || o.durationSeconds > 600) throw new IllegalArgumentException("--duration must be 1s..600s");
            if (o.warmupSeconds < 0 || o.warmupSeconds > 300) throw new IllegalArgumentException("--warmup must be 0s..300s");
            if (o.max < 1 || o.max > 10_000_000) throw new IllegalArgumentException("--max must be 1..10000000");
            return o;
        }

        private static long seconds(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.endsWith("ms")) return Math.max(1, Long.parseLong(s.substring(0, s.length() - 2)) / 1000);
            if (s.endsWith("s")) s = s.substring(0, s.length() - 1);
            else if (s.endsWith("m")) return Long.parseLong(s.substring(0, s.length() - 1)) * 60;
            return Long.parseLong(s);
        }
    }
}
