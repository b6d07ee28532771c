package dev.glasskey.bench;

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
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Token endpoint throughput: client-credentials grants/s and refresh-token grants/s, against a
 * Glasskey server started in this JVM on a fresh H2 data directory, over loopback HTTP with
 * keep-alive connections. Bounded: WARMUP then DURATION seconds per grant type.
 *
 * <pre>java -cp "$CP" dev.glasskey.bench.TokenLoad [threads=4] [warmupSeconds=20] [durationSeconds=20]</pre>
 *
 * Set-up (not measured): one confidential client; one account enrolled and signed in with a
 * software key; one refresh token per thread from the code flow with PKCE. Refresh tokens
 * rotate, so each thread carries its own chain. Every grant is a full token issue: client
 * authentication, ES256-signed JWT access token (and ID token for refresh), the authorization
 * row written, and an audit entry appended to the hash chain, in one transaction.
 */
public final class TokenLoad {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int duration = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int port = 18181;
        Path data = Files.createTempDirectory("glasskey-tokenload-");
        String base = "http://localhost:" + port;
        try (ConfigurableApplicationContext server = new SpringApplication(GlasskeyApplication.class).run(
                "--glasskey.data-dir=" + data, "--server.port=" + port, "--glasskey.base-url=" + base,
                "--logging.level.root=warn", "--glasskey.first-start.enabled=false")) {
            OidcClient.Created client = server.getBean(ClientService.class).register(Actor.SYSTEM, new OidcClient.Registration(
                    null, "bench", "confidential", List.of("authorization_code", "refresh_token", "client_credentials"),
                    List.of("https://rp.example/cb"), null, List.of("openid", "profile"), "ES256", null));
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
            List<String[]> chains = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String verifier = "v" + "x".repeat(50) + i;
                String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
                Client.Redirect r = browser.navigate("/oauth2/authorize?response_type=code&client_id=" + client.client().clientId()
                        + "&scope=openid%20profile&redirect_uri=" + enc("https://rp.example/cb") + "&state=s" + i
                        + "&code_challenge=" + challenge + "&code_challenge_method=S256");
                String code = find(r.location(), "code=([^&]+)");
                String body = post(http, base, basic, "grant_type=authorization_code&code=" + code + "&redirect_uri="
                        + enc("https://rp.example/cb") + "&code_verifier=" + verifier);
                chains.add(new String[] {find(body, "\"refresh_token\":\"([^\"]+)\"")});
            }
            report("client_credentials", run(threads, warmup, duration,
                    t -> find(post(http, base, basic, "grant_type=client_credentials"), "\"access_token\":\"([^\"]+)\"")));
            report("refresh_token", run(threads, warmup, duration, t -> {
                String body = post(http, base, basic, "grant_type=refresh_token&refresh_token=" + chains.get(t)[0]);
                chains.get(t)[0] = find(body, "\"refresh_token\":\"([^\"]+)\"");
                return chains.get(t)[0];
            }));
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    interface Grant {
        String run(int thread) throws Exception;
    }

    /** Grants per second (wall clock), and CPU of this whole process (server and driver) per grant. */
    record Result(double perSecond, double cpuMsPerGrant) {}

    static void report(String grant, Result r) {
        System.out.printf("%-18s %6.0f grants/s wall clock; %.3f ms CPU per grant (server + driver) = %.0f grants/s per core%n",
                grant, r.perSecond(), r.cpuMsPerGrant(), 1000 / r.cpuMsPerGrant());
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Runs the grant on each thread for warm-up (not counted), then for the measured phase. */
    static Result run(int threads, int warmupSeconds, int durationSeconds, Grant grant) throws Exception {
        AtomicLong counted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(warmupSeconds).toNanos();
        long end = measureFrom + Duration.ofSeconds(durationSeconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int t = i;
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        grant.run(t);
                        if (System.nanoTime() >= measureFrom) counted.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (errors.get() < 5) e.printStackTrace();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        long cpuFrom = cpuNanos();
        long countFrom = counted.get();
        for (Thread w : workers) w.join();
        long cpu = cpuNanos() - cpuFrom;
        long grants = counted.get() - countFrom;
        if (errors.get() > 0) System.out.println("errors: " + errors.get());
        return new Result(counted.get() / (double) durationSeconds, cpu / 1e6 / Math.max(1, grants));
    }

    static String post(HttpClient http, String base, String basic, String form) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(r.statusCode() + " " + r.body());
        return r.body();
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
