package dev.glasskey.testing;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;

/**
 * What a test contract needs from the running server. Contracts are interfaces with default
 * {@code @Test} methods; one class per database implements each ({@code ...H2Test},
 * {@code ...PostgresTest}), so every contract runs on both.
 */
public interface Fixtures {
    UUID TEST_MODEL = UUID.fromString("6c1a9e3e-8f4b-4d0e-9a51-3b2f0c7d1e42");

    record SignedInClient(Client http, Account account, SoftwareAuthenticator key) {}

    int port();

    String baseUrl();

    Client client();

    SoftwareAuthenticator newKey();

    SignedInClient newAdmin();

    Client.Response enrol(Client c, String token, SoftwareAuthenticator key);

    Client.Response enrol(Client c, String token, SoftwareAuthenticator key, SoftwareAuthenticator.Tweaks tweaks);

    Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle);

    Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle, SoftwareAuthenticator.Tweaks tweaks);

    JsonNode createAccount(Client admin, String name, boolean emergency, String... roles);

    JsonNode registerKey(Client admin, String label, String location);

    String issueLink(Client admin, String accountId, String keyId);

    String storedState();

    AccountService accounts();

    MutableClock clock();

    JdbcClient jdbc();
}
