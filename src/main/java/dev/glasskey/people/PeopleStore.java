package dev.glasskey.people;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A person's e-mail address for notices about their own account ({@code person_email}, V21). */
@Repository
class PeopleStore {
    private final JdbcClient jdbc;

    PeopleStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<String> email(String accountId) {
        return jdbc.sql("select email from person_email where account_id = :a").param("a", accountId).query(String.class).optional();
    }

    void setEmail(String accountId, String email) {
        if (jdbc.sql("update person_email set email = :e where account_id = :a").param("e", email).param("a", accountId).update() == 0) {
            jdbc.sql("insert into person_email (account_id, email) values (:a, :e)").param("a", accountId).param("e", email).update();
        }
    }

    boolean removeEmail(String accountId) {
        return jdbc.sql("delete from person_email where account_id = :a").param("a", accountId).update() == 1;
    }
}
