package dev.glasskey.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcClient;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Token endpoint throughput: client-credentials grants/s and refresh-token grants/s.
 *
 * <pre>java -cp "$CP" [-Dtokenload.db=postgres] [-Dtokenload.serverOpts="-Xmx512m ..."] [-Dtokenload.serverArgs="--a.b=c ..."] \
 *      [-Dtokenload.grants=client_credentials,refresh_token,private_key_jwt] [-Dtokenload.rounds=1] \
 *      dev.glasskey.bench.TokenLoad [threads=4] [warmupSeconds=20] [durationSeconds=20]</pre>
 *
 * The server runs in a child JVM (same classpath) on a fresh H2 data directory, or with
 * {@code -Dtokenload.db=postgres} on a fresh schema of the local PostgreSQL (127.0.0.1:5432,
 * database {@code test}, user {@code postgres}); this JVM only drives load, over keep-alive
 * loopback connections (one per thread, {@link LoopbackHttp}). The server's CPU is read from
 * {@code /proc/PID/stat} (utime + stime) at the start and end of each measured phase, so the
 * per-core figure, 1 / (server CPU seconds per grant), does not depend on what else the
 * machine runs, nor include the driver's CPU, which is reported beside it (and the CPU of all
 * other processes, from {@code /proc/stat}).
 *
 * <p>Set-up (in the server JVM, not measured): one confidential client; one account enrolled
 * and signed in with a software key; one refresh token per thread from the code flow with
 * PKCE. Refresh tokens rotate, so each thread carries its own chain. Every grant is a full
 * token issue: client authentication, ES256-signed JWT access token (and ID token for
 * refresh), the authorization stored, and an audit entry appended to the hash chain, in one
 * transaction. Bounded: WARMUP (extended until the JIT compiler has settled, at most
 * {@code -Dtokenload.maxWarmup} s, default 180) then DURATION seconds per grant type; with
 * {@code -Dtokenload.rounds=N} the measured phases are repeated N times, alternating the grant
 * types, in the same server (later rounds ramp for {@value #ROUND_RAMP_SECONDS} s): the spread
 * within one JVM beside the spread between JVMs.
 *
 * <p>{@code private_key_jwt} in {@code tokenload.grants} adds a third phase: client-credentials grants of a second
 * client that authenticates with a signed JWT (RFC 7523, ES256, a fresh {@code jti} per request, its public key
 * registered by value) instead of HTTP Basic; the assertions are signed by the driver (its CPU, reported apart), so
 * the server's CPU per grant beside the {@code client_credentials} phase is what checking an assertion costs
 * (signature, claims, the single-use {@code jti} record) against checking a hashed secret.
 */
public final class TokenLoad {
    private static final String READY = "TOKENLOAD-READY ";
    private static final String PG_APPLICATION = "glasskey-tokenload";
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--server")) {
            server(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int duration = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int port = Integer.getInteger("tokenload.port", 18181);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String serverOpts = System.getProperty("tokenload.serverOpts", "").trim();
        if (!serverOpts.isEmpty()) command.addAll(Arrays.asList(serverOpts.split("\\s+")));
        command.add("-Dtokenload.db=" + System.getProperty("tokenload.db", "h2"));
        command.add("-Dtokenload.serverArgs=" + System.getProperty("tokenload.serverArgs", ""));
        String grants = System.getProperty("tokenload.grants", "client_credentials,refresh_token");
        com.nimbusds.jose.jwk.ECKey assertionKey = grants.contains("private_key_jwt")
                ? new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("tokenload-1").generate() : null;
        if (assertionKey != null) {
            command.add("-Dtokenload.assertionJwk=" + assertionKey.toPublicJWK().toJSONString());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TokenLoad.class.getName(), "--server",
                String.valueOf(port), String.valueOf(threads)));
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String[] setup = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    setup = line.substring(READY.length()).split(" ");
                    break;
                }
                System.err.println("[server] " + line);
            }
            if (setup == null) throw new IllegalStateException("server exited before it was ready");
            Thread drain = new Thread(() -> out.lines().forEach(l -> System.err.println("[server] " + l)));
            drain.setDaemon(true);
            drain.start();
            String basic = setup[0];
            String keyClient = Arrays.stream(setup).filter(s -> s.startsWith("pkjwt=")).map(s -> s.substring(6)).findFirst().orElse(null);
            String[] chains = Arrays.stream(setup, 1, setup.length).filter(s -> !s.startsWith("pkjwt=")).toArray(String[]::new);
            long pid = server.pid();
            System.out.printf("server pid %d (%s), %d threads, %d s warm-up + %d s measured per grant type, load average %s%n",
                    pid, System.getProperty("tokenload.db", "h2"), threads, warmup, duration, loadAverage());
            int rounds = Integer.getInteger("tokenload.rounds", 1);
            for (int round = 1; round <= rounds; round++) {
                // Later rounds follow the first in the same server: a short ramp, then the JIT check as before.
                int ramp = round == 1 ? warmup : ROUND_RAMP_SECONDS;
                String suffix = rounds == 1 ? "" : " #" + round;
                if (grants.contains("client_credentials")) report("client_credentials" + suffix, run(pid, port, threads, ramp, duration,
                        (http, t) -> find(post(http, basic, "grant_type=client_credentials"), "\"access_token\":\"([^\"]+)\"")));
                if (grants.contains("refresh_token")) report("refresh_token" + suffix, run(pid, port, threads, ramp, duration, (http, t) -> {
                    String body = post(http, basic, "grant_type=refresh_token&refresh_token=" + chains[t]);
                    chains[t] = find(body, "\"refresh_token\":\"([^\"]+)\"");
                    return chains[t];
                }));
                if (assertionKey != null) {
                    com.nimbusds.jose.JWSSigner signer = new com.nimbusds.jose.crypto.ECDSASigner(assertionKey);
                    String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
                    report("private_key_jwt" + suffix, run(pid, port, threads, ramp, duration, (http, t) -> {
                        long now = System.currentTimeMillis();
                        com.nimbusds.jwt.SignedJWT assertion = new com.nimbusds.jwt.SignedJWT(
                                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256).keyID(assertionKey.getKeyID()).build(),
                                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(keyClient).subject(keyClient).audience(tokenEndpoint)
                                        .jwtID(java.util.UUID.randomUUID().toString()).issueTime(new java.util.Date(now))
                                        .expirationTime(new java.util.Date(now + 60_000)).build());
                        assertion.sign(signer);
                        LoopbackHttp.Response r = http.postForm("/oauth2/token", null, "grant_type=client_credentials&client_id=" + enc(keyClient)
                                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                                + "&client_assertion=" + assertion.serialize());
                        if (r.status() != 200) throw new IllegalStateException(r.toString());
                        return find(r.text(), "\"access_token\":\"([^\"]+)\"");
                    }));
                }
            }
        } finally {
            server.getOutputStream().close(); // the server stops when its standard input closes
            if (!server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    /** The server JVM: starts Glasskey, sets up, prints the credentials, serves until stdin closes. */
    static void server(int port, int threads) throws Exception {
        Path data = Files.createTempDirectory("glasskey-tokenload-");
        String base = "http://localhost:" + port;
        List<String> args = new ArrayList<>(List.of("--glasskey.data-dir=" + data, "--server.port=" + port,
                "--glasskey.base-url=" + base, "--logging.level.root=warn", "--glasskey.first-start.enabled=false"));
        // Rate limits far above the load (as bench/run.sh and bench/ab.sh set them): the limiter runs on every
        // request, its cost is part of the figures, but it never refuses the driver, which sends all from 127.0.0.1.
        for (String limit : List.of("sign-in", "credential-failures", "enrolment", "enrolment-link", "drill", "drill-id", "authorize", "token")) {
            args.add("--glasskey.rate-limit." + limit + ".requests=1000000000");
        }
        if (System.getProperty("tokenload.db", "h2").equals("postgres")) {
            args.add("--spring.datasource.url=" + Postgres.URL + "?currentSchema=" + Postgres.freshSchema()
                    + "&ApplicationName=" + PG_APPLICATION);
            args.add("--spring.datasource.username=" + Postgres.USER);
            args.add("--spring.datasource.password=");
        }
        for (String extra : System.getProperty("tokenload.serverArgs", "").trim().split("\\s+")) {
            if (!extra.isEmpty()) args.add(extra.replace("{data}", data.toString()));
        }
        try (ConfigurableApplicationContext server = new SpringApplication(GlasskeyApplication.class).run(args.toArray(String[]::new))) {
            OidcClient.Created client = server.getBean(ClientService.class).register(Actor.SYSTEM, new OidcClient.Registration(
                    null, "bench", "confidential", List.of("authorization_code", "refresh_token", "client_credentials"),
                    List.of("https://rp.example/cb"), null, List.of("openid", "profile"), "ES256", null, null));
            String basic = "Basic " + Base64.getEncoder().encodeToString((client.client().clientId() + ":" + client.clientSecret())
                    .getBytes(StandardCharsets.UTF_8));
            Account person = server.getBean(AccountService.class).create(Actor.SYSTEM, "Bench person", false, Set.of(Roles.AUDITOR));
            String token = server.getBean(EnrolmentService.class).issueAdministratorLink(Actor.SYSTEM, person.id(), Enrolment.FIRST_ADMIN).token();
            SoftwareAuthenticator key = SoftwareAuthenticator.packed(java.util.UUID.randomUUID()).origin(base);
            Client browser = new Client(base);
            browser.post("/api/enrolments/" + token + "/credential", key.register(browser.post("/api/enrolments/" + token + "/options", "{}").body()));
            String options = browser.post("/api/webauthn/sign-in/options", "{}").body();
            if (browser.post("/api/webauthn/sign-in", key.signIn(options, person.userHandle())).status() != 200) {
                throw new IllegalStateException("sign-in failed");
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            StringBuilder ready = new StringBuilder(READY).append(basic.substring("Basic ".length()));
            String assertionJwk = System.getProperty("tokenload.assertionJwk");
            if (assertionJwk != null) {
                // A second client for the private_key_jwt phase: the driver's public key, registered by value.
                OidcClient.Created keyClient = server.getBean(ClientService.class).register(Actor.SYSTEM, new OidcClient.Registration(
                        null, "bench-private-key-jwt", "confidential", List.of("client_credentials"), List.of(), null, List.of(), "ES256",
                        null, null, null, "private_key_jwt", java.util.Map.of("keys", List.of(com.nimbusds.jose.util.JSONObjectUtils.parse(assertionJwk))),
                        null, null, null, null));
                ready.append(" pkjwt=").append(keyClient.client().clientId());
            }
            for (int i = 0; i < threads; i++) {
                String verifier = "v" + "x".repeat(50) + i;
                String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
                Client.Redirect r = browser.navigate("/oauth2/authorize?response_type=code&client_id=" + client.client().clientId()
                        + "&scope=openid%20profile&redirect_uri=" + enc("https://rp.example/cb") + "&state=s" + i
                        + "&code_challenge=" + challenge + "&code_challenge_method=S256");
                String code = find(r.location(), "code=([^&]+)");
                HttpResponse<String> exchanged = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                        .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + code + "&redirect_uri="
                                + enc("https://rp.example/cb") + "&code_verifier=" + verifier)).build(),
                        HttpResponse.BodyHandlers.ofString());
                ready.append(' ').append(find(exchanged.body(), "\"refresh_token\":\"([^\"]+)\""));
            }
            System.out.println(ready);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the driver closes our standard input (or dies)
            }
        } finally {
            try (var files = Files.walk(data)) {
                long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                System.err.printf("data directory at the end: %.1f MiB%n", bytes / 1048576.0);
            }
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    interface Grant {
        String run(LoopbackHttp http, int thread) throws Exception;
    }

    /**
     * Wall-clock grants/s; server, driver and other processes' CPU per grant (ms); the server's
     * CPU per grant split by thread group (request threads, JIT compiler, GC, scheduled tasks,
     * the rest); and the warm-up actually run.
     */
    record Result(long grants, double seconds, long errors, double serverMs, double databaseMs, double driverMs, double othersMs,
                  java.util.Map<String, Double> serverMsByThreads, double warmupSeconds) {
        double perSecond() {
            return grants / seconds;
        }
    }

    static void report(String grant, Result r) {
        if (r.databaseMs() >= 0) {
            System.out.printf("%-18s PostgreSQL backends of the server %.3f ms/grant; server + backends %.3f ms/grant = %.0f grants/s per core "
                            + "(%.1f× Keycloak's 120)%n", grant, r.databaseMs(), r.serverMs() + r.databaseMs(),
                    1000 / (r.serverMs() + r.databaseMs()), 1000 / (r.serverMs() + r.databaseMs()) / 120);
        }
        System.out.printf("%-18s %6.0f grants/s wall clock (%d in %.1f s, %d errors); server CPU %.3f ms/grant = %.0f grants/s per core "
                        + "(%.1f× Keycloak's 120); driver %.3f ms/grant; other processes %.3f ms/grant; load average %s%n",
                grant, r.perSecond(), r.grants(), r.seconds(), r.errors(), r.serverMs(), 1000 / r.serverMs(), 1000 / r.serverMs() / 120,
                r.driverMs(), r.othersMs(), loadAverage());
        StringBuilder split = new StringBuilder();
        r.serverMsByThreads().forEach((group, ms) -> split.append(String.format("; %s %.3f", group, ms)));
        System.out.printf("%-18s server CPU by threads (ms/grant)%s; warm-up %.0f s%n", grant, split, r.warmupSeconds());
    }

    /** Longest warm-up when waiting for the JIT compiler to settle (see {@link #run}). */
    static final int MAX_WARMUP_SECONDS = Integer.getInteger("tokenload.maxWarmup", 180);
    /** The JIT counts as settled when its threads used less than this share of the server's CPU over a probe. */
    static final double JIT_SETTLED_SHARE = 0.05;
    /** Warm-up of the second and later rounds ({@code -Dtokenload.rounds}): the server is warm already. */
    static final int ROUND_RAMP_SECONDS = 3;
    static final int JIT_PROBE_SECONDS = 5;

    /**
     * Runs the grant on each thread for warm-up (not counted), then for the measured phase.
     *
     * <p>Warm-up lasts at least {@code warmupSeconds} and then, in {@value #JIT_PROBE_SECONDS} s
     * probes, until the server's JIT compiler threads take less than 5 % of its CPU (at most
     * {@code tokenload.maxWarmup} s in all): on 2 cores C2 was still compiling through a 20 s
     * warm-up and took ~30 % of the server's CPU in the measured phase, so the figure described
     * the warm-up rather than the steady state. Everything the server does in the measured phase,
     * compiler threads included, is still counted; the split by thread group is reported beside it.
     */
    static Result run(long serverPid, int port, int threads, int warmupSeconds, int durationSeconds, Grant grant) throws Exception {
        AtomicLong counted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong end = new AtomicLong(Long.MAX_VALUE);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int t = i;
            Thread w = new Thread(() -> {
                try (LoopbackHttp http = new LoopbackHttp(port, "localhost:" + port)) {
                    long now;
                    while ((now = System.nanoTime()) < end.get()) {
                        try {
                            grant.run(http, t);
                            if (now >= measureFrom.get() && System.nanoTime() < end.get()) counted.incrementAndGet();
                        } catch (Exception e) {
                            if (errors.incrementAndGet() < 5) e.printStackTrace();
                        }
                    }
                }
            }, "driver-" + i);
            w.start();
            workers.add(w);
        }
        Thread.sleep(Duration.ofSeconds(warmupSeconds).toMillis());
        while ((System.nanoTime() - start) / 1e9 + JIT_PROBE_SECONDS <= MAX_WARMUP_SECONDS) {
            java.util.Map<String, Long> before = threadCpuNanos(serverPid);
            Thread.sleep(Duration.ofSeconds(JIT_PROBE_SECONDS).toMillis());
            java.util.Map<String, Long> after = threadCpuNanos(serverPid);
            long total = 0;
            for (long v : after.values()) total += v;
            for (long v : before.values()) total -= v;
            long jit = after.getOrDefault(JIT, 0L) - before.getOrDefault(JIT, 0L);
            if (jit < JIT_SETTLED_SHARE * total) break;
        }
        long measureStart = System.nanoTime();
        measureFrom.set(measureStart);
        end.set(measureStart + Duration.ofSeconds(durationSeconds).toNanos());
        double warmedUp = (measureStart - start) / 1e9;
        List<Long> backends = postgresBackends();
        long backendsFrom = processCpuNanos(backends);
        long serverFrom = processCpuNanos(serverPid);
        java.util.Map<String, Long> threadsFrom = threadCpuNanos(serverPid);
        long driverFrom = ownCpuNanos();
        long busyFrom = machineBusyNanos();
        long countFrom = counted.get();
        long wallFrom = System.nanoTime();
        Thread.sleep(Math.max(0, (end.get() - System.nanoTime()) / 1_000_000));
        long server = processCpuNanos(serverPid) - serverFrom;
        java.util.Map<String, Long> threadsTo = threadCpuNanos(serverPid);
        long driver = ownCpuNanos() - driverFrom;
        long busy = machineBusyNanos() - busyFrom;
        long db = processCpuNanos(backends) - backendsFrom;
        long grants = counted.get() - countFrom;
        double seconds = (System.nanoTime() - wallFrom) / 1e9;
        for (Thread w : workers) w.join();
        double n = Math.max(1, grants);
        java.util.Map<String, Double> byThreads = new java.util.LinkedHashMap<>();
        for (String group : List.of(REQUESTS, JIT, GC, SCHEDULED, OTHER)) {
            byThreads.put(group, (threadsTo.getOrDefault(group, 0L) - threadsFrom.getOrDefault(group, 0L)) / 1e6 / n);
        }
        return new Result(grants, seconds, errors.get(), server / 1e6 / n, backends.isEmpty() ? -1 : db / 1e6 / n, driver / 1e6 / n,
                Math.max(0, busy - server - db - driver) / 1e6 / n, byThreads, warmedUp);
    }

    static final String REQUESTS = "requests";
    static final String JIT = "JIT compiler";
    static final String GC = "GC";
    static final String SCHEDULED = "scheduled tasks";
    static final String OTHER = "other";

    /**
     * CPU time (utime + stime) of a process's live threads, summed by group, from
     * {@code /proc/PID/task/TID/stat} (the thread's name is field 2, truncated to 15 characters).
     * A thread that ended between two readings drops out of the second; the groups here are
     * long-lived pools, so the error is at most one short-lived thread's time.
     */
    static java.util.Map<String, Long> threadCpuNanos(long pid) throws IOException {
        java.util.Map<String, Long> groups = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                groups.merge(group(name), statCpuNanos(stat), Long::sum);
            }
        }
        return groups;
    }

    static String group(String thread) {
        if (thread.startsWith("http-nio")) return REQUESTS;
        if (thread.contains("CompilerThre")) return JIT;
        if (thread.startsWith("GC ") || thread.startsWith("G1 ") || thread.startsWith("VM Thread")) return GC;
        if (thread.startsWith("scheduling")) return SCHEDULED;
        return OTHER;
    }

    static String post(LoopbackHttp http, String basic, String form) throws IOException {
        LoopbackHttp.Response r = http.postForm("/oauth2/token", "Basic " + basic, form);
        if (r.status() != 200) throw new IllegalStateException(r.toString());
        return r.text();
    }

    /** utime + stime of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks). */
    static long processCpuNanos(long pid) throws IOException {
        return statCpuNanos(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime of a {@code /proc/.../stat} line of a process or thread (after the name in parentheses). */
    static long statCpuNanos(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    }

    static long processCpuNanos(List<Long> pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            sum += processCpuNanos(pid);
        }
        return sum;
    }

    /** The PostgreSQL backend processes serving the server's connection pool (none on H2). */
    static List<Long> postgresBackends() {
        List<Long> pids = new ArrayList<>();
        if (!System.getProperty("tokenload.db", "h2").equals("postgres")) {
            return pids;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(Postgres.URL, Postgres.USER, "");
             java.sql.PreparedStatement ps = c.prepareStatement("select pid from pg_stat_activity where application_name = ?")) {
            ps.setString(1, PG_APPLICATION);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) pids.add(rs.getLong(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Busy CPU time of the whole machine (all but idle and iowait), from /proc/stat. */
    static long machineBusyNanos() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
        }
        return busy * TICK_NANOS;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text == null ? "" : text);
        if (!m.find()) throw new IllegalStateException("no " + regex + " in " + text);
        return m.group(1);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
