package dev.glasskey.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A real Chromium, headless, driven by the system's chromedriver (Selenium Manager is never
 * asked to download anything), with a fresh profile directory. Security keys are Chrome's
 * WebAuthn virtual authenticators, wrapped as {@link Key}s that behave like physical keys:
 * a key can be unplugged and plugged in again and keeps its credentials (private keys, user
 * handles, signature counters) in between. Every wait is an explicit wait on a DOM
 * condition.
 *
 * <p>Chrome lets <em>every</em> attached virtual authenticator answer a ceremony, so use
 * {@link #insertOnly(Key)} to make sure exactly the intended key is attached.
 */
public final class Browser implements AutoCloseable {
    public static final Path ARTIFACTS = Path.of("target", "browser-artifacts");
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final String baseUrl;
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<Key> keys = new ArrayList<>();

    private Browser(String baseUrl, Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** One log per browser started in this JVM (two may run side by side): chromedriver.log, chromedriver-2.log, ... */
    private static String logName() {
        int n = STARTED.incrementAndGet();
        return n == 1 ? "chromedriver.log" : "chromedriver-" + n + ".log";
    }

    /** Starts Chromium; relative paths given to {@link #open(String)} resolve against {@code baseUrl}. */
    public static Browser start(String baseUrl) {
        try {
            Files.createDirectories(ARTIFACTS);
            Path profile = TempDirs.create("glasskey-chromium-");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort()
                    .withLogFile(ARTIFACTS.resolve(logName()).toFile())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-gpu", "--no-first-run", "--window-size=1280,1600",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriver driver;
            try {
                driver = new ChromeDriver(service, options);
            } catch (RuntimeException e) {
                service.stop();
                deleteTree(profile);
                throw e;
            }
            return new Browser(baseUrl, profile, service, driver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Navigates to an absolute URL, or to a path on the server under test. */
    public void open(String urlOrPath) {
        driver.get(urlOrPath.startsWith("http") ? urlOrPath : baseUrl + urlOrPath);
    }

    /** The current path, without the origin. */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    }

    /**
     * Waits (explicitly, polling the DOM) until the condition holds, and returns its value.
     * While a page is being replaced, ChromeDriver answers with assorted errors besides
     * "stale element" ("node does not belong to the document", "execution context was
     * destroyed"), so any WebDriverException means "not yet"; on timeout the last one is the
     * cause.
     */
    public <T> T waitUntil(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50))
                .ignoring(WebDriverException.class)
                .until(condition);
    }

    public WebElement visible(By locator) {
        return waitUntil(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    public void click(By locator) {
        waitUntil(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    /** Types into the named field of a form (clearing it first). */
    public void fill(WebElement form, String name, String value) {
        WebElement field = form.findElement(By.name(name));
        field.clear();
        field.sendKeys(value);
    }

    /** Chooses an option of the named select of a form by its visible text. */
    public void choose(WebElement form, String name, String visibleText) {
        new Select(form.findElement(By.name(name))).selectByVisibleText(visibleText);
    }

    /** Ticks (or unticks) the named checkbox of a form. */
    public void tick(WebElement form, String name, boolean ticked) {
        WebElement box = form.findElement(By.name(name));
        if (box.isSelected() != ticked) {
            box.click();
        }
    }

    /** Submits a form with its submit button and waits until the browser has loaded the next page. */
    public void submit(WebElement form) {
        // A mark on the current window object: the next page starts without it.
        driver.executeScript("window.glasskeyOldPage = true");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil(d -> Boolean.TRUE.equals(driver.executeScript(
                "return window.glasskeyOldPage === undefined && document.readyState === 'complete'")));
    }

    /** Screenshot of the viewport into target/browser-artifacts/NAME.png. */
    public Path screenshot(String name) {
        Path file = ARTIFACTS.resolve(name + ".png");
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Screenshot of the viewport into the given PNG file (creating its directory). */
    public Path screenshotTo(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * The system property naming the directory the documentation's screenshots are written to
     * ({@code ./mvnw test -Dtest='ReadmeWalkthroughBrowserTest,ConsoleAreasBrowserTest' -Dglasskey.screenshots=docs/images}).
     * Unset, they go to {@code target/browser-artifacts/docs}, so an ordinary test run never
     * rewrites the committed images (a PNG differs in its bytes on every run).
     */
    public static final String SCREENSHOTS = "glasskey.screenshots";

    /** A screenshot for the documentation, {@code name} like {@code matrix.png}: see {@link #SCREENSHOTS}. */
    public Path docsScreenshot(String name) {
        String dir = System.getProperty(SCREENSHOTS);
        return screenshotTo((dir == null || dir.isBlank() ? ARTIFACTS.resolve("docs") : Path.of(dir)).resolve(name));
    }

    /** Screenshot plus the page's HTML, for diagnosing a failure. */
    public void saveArtifacts(String name) {
        screenshot(name);
        try {
            Files.writeString(ARTIFACTS.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new security key, not yet plugged in. */
    public Key newKey(String name) {
        Key key = new Key(name, VirtualAuthenticatorOptions.Transport.USB);
        keys.add(key);
        return key;
    }

    /**
     * A new platform authenticator (the computer's own passkey store: transport {@code internal}), not yet
     * "plugged in" — {@link #insertOnly} makes it the one that answers, as for a key.
     */
    public Key newPlatformAuthenticator(String name) {
        Key key = new Key(name, VirtualAuthenticatorOptions.Transport.INTERNAL);
        keys.add(key);
        return key;
    }

    /** Unplugs every other key, then plugs in this one: only it can answer the next ceremony. */
    public Key insertOnly(Key key) {
        for (Key other : keys) {
            if (other != key) {
                other.unplug();
            }
        }
        key.plugIn();
        return key;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    /**
     * One physical security key: a CTAP2 USB authenticator with resident keys and built-in user
     * verification that always verifies and consents. While plugged in it is a Chrome virtual
     * authenticator; unplugged, its credentials are kept here and restored when it is plugged
     * in again.
     */
    public final class Key {
        private final String name;
        private final VirtualAuthenticatorOptions.Transport transport;
        private VirtualAuthenticator authenticator;
        private List<Credential> stored = List.of();
        private final List<Credential> withheld = new ArrayList<>();

        private Key(String name, VirtualAuthenticatorOptions.Transport transport) {
            this.name = name;
            this.transport = transport;
        }

        public String name() {
            return name;
        }

        public boolean pluggedIn() {
            return authenticator != null;
        }

        private void plugIn() {
            if (authenticator != null) {
                return;
            }
            authenticator = driver.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                    .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                    .setTransport(transport)
                    .setHasResidentKey(true)
                    .setHasUserVerification(true)
                    .setIsUserVerified(true)
                    .setIsUserConsenting(true));
            for (Credential c : stored) {
                authenticator.addCredential(copy(c));
            }
            stored = List.of();
        }

        /** Detaches the key from the browser; its credentials stay with it. */
        public void unplug() {
            if (authenticator == null) {
                return;
            }
            List<Credential> all = new ArrayList<>(authenticator.getCredentials());
            all.addAll(withheld);
            withheld.clear();
            driver.removeVirtualAuthenticator(authenticator);
            authenticator = null;
            stored = List.copyOf(all);
        }

        /**
         * Takes the key to another browser (another computer): it is unplugged here and arrives
         * there not yet plugged in, with all its credentials. Use the returned key from then on;
         * this one is left empty and no longer belongs to this browser.
         */
        public Key carryTo(Browser other) {
            if (other == Browser.this) {
                return this;
            }
            unplug();
            Key moved = other.new Key(name, transport); // bound to the other browser (its driver), not this one
            other.keys.add(moved);
            moved.stored = stored;
            stored = List.of();
            keys.remove(this);
            return moved;
        }

        /** The credentials on the key (including any withheld by {@link #offerOnly}). */
        public List<Credential> credentials() {
            if (authenticator == null) {
                return stored;
            }
            List<Credential> all = new ArrayList<>(authenticator.getCredentials());
            all.addAll(withheld);
            return all;
        }

        /** The credential on this key for a user handle (base64url), with its current counter. */
        public Credential credentialFor(String userHandle) {
            return credentials().stream().filter(c -> userHandle.equals(b64u(c.getUserHandle()))).findFirst()
                    .orElseThrow(() -> new AssertionError("key '" + name + "' holds no credential for user handle " + userHandle));
        }

        /**
         * What a person does on the key's account chooser: offer only the account with this user
         * handle. Chrome's virtual authenticators show no chooser (Chrome takes the first
         * response), so the other accounts' credentials are set aside until {@link #offerAll()}.
         */
        public void offerOnly(String userHandle) {
            requirePluggedIn();
            offerAll();
            boolean found = false;
            for (Credential c : authenticator.getCredentials()) {
                if (userHandle.equals(b64u(c.getUserHandle()))) {
                    found = true;
                } else {
                    withheld.add(c);
                    authenticator.removeCredential(c.getId());
                }
            }
            if (!found) {
                throw new AssertionError("key '" + name + "' holds no credential for user handle " + userHandle);
            }
        }

        /** Offers every account on the key again. */
        public void offerAll() {
            requirePluggedIn();
            for (Credential c : withheld) {
                authenticator.addCredential(copy(c));
            }
            withheld.clear();
        }

        private void requirePluggedIn() {
            if (authenticator == null) {
                throw new IllegalStateException("key '" + name + "' is not plugged in");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static String b64u(byte[] bytes) {
        return bytes == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Credential copy(Credential c) {
        return c.isResidentCredential()
                ? Credential.createResidentCredential(c.getId(), c.getRpId(), c.getPrivateKey(), c.getUserHandle(), c.getSignCount())
                : Credential.createNonResidentCredential(c.getId(), c.getRpId(), c.getPrivateKey(), c.getSignCount());
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary profile is harmless.
        }
    }

    /** Equality of credential ids, for comparing what the browser holds with what the server stored. */
    public static boolean sameId(Credential c, String credentialIdB64u) {
        return Arrays.equals(c.getId(), Base64.getUrlDecoder().decode(credentialIdB64u));
    }
}
