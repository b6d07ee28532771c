package dev.glasskey.people;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Where a person's notices go: the account's one e-mail address ({@code account.email}, set only by
 * administrators through {@code AccountService#setEmail}; V24_1).
 */
@Repository
class PeopleStore {
    private final JdbcClient jdbc;

    PeopleStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<String> email(String accountId) {
        return jdbc.sql("select email from account where id = :a and email is not null").param("a", accountId).query(String.class).optional();
    }
}
