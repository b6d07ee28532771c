package dev.glasskey.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class AccountStore {
    private final JdbcClient jdbc;

    AccountStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Account a) {
        jdbc.sql("insert into user_handle_issued (user_handle, issued_at) values (:h, :at)")
                .param("h", a.userHandle()).param("at", Times.db(a.createdAt())).update();
        jdbc.sql("""
                insert into account (id, display_name, emergency, enabled, user_handle, created_at, updated_at, sign_in_name, sign_in_key)
                values (:id, :name, :emergency, :enabled, :handle, :created, :updated, :signInName, :signInKey)""")
                .param("id", a.id()).param("name", a.displayName()).param("emergency", a.emergency())
                .param("signInName", a.signInName()).param("signInKey", a.signInName() == null ? null : SignInNames.key(a.signInName()))
                .param("enabled", a.enabled()).param("handle", a.userHandle())
                .param("created", Times.db(a.createdAt())).param("updated", Times.db(a.updatedAt())).update();
        replaceRoles(a.id(), a.roles());
    }

    void setEnabled(String id, boolean enabled, Instant at) {
        jdbc.sql("update account set enabled = :enabled, updated_at = :at where id = :id")
                .param("enabled", enabled).param("at", Times.db(at)).param("id", id).update();
    }

    void rename(String id, String displayName, Instant at) {
        jdbc.sql("update account set display_name = :name, updated_at = :at where id = :id")
                .param("name", displayName).param("at", Times.db(at)).param("id", id).update();
    }

    void setSignInName(String id, String signInName, Instant at) {
        jdbc.sql("update account set sign_in_name = :name, sign_in_key = :key, updated_at = :at where id = :id")
                .param("name", signInName).param("key", signInName == null ? null : SignInNames.key(signInName))
                .param("at", Times.db(at)).param("id", id).update();
    }

    void setEmail(String id, String email, boolean verified, Instant at) {
        jdbc.sql("update account set email = :email, email_verified = :verified, updated_at = :at where id = :id")
                .param("email", email).param("verified", verified).param("at", Times.db(at)).param("id", id).update();
    }

    /** The account that has this sign-in name, compared without case. */
    Optional<Account> findBySignInName(String signInName) {
        return jdbc.sql("select * from account where sign_in_key = :key").param("key", SignInNames.key(signInName))
                .query(this::row).optional().map(this::withRoles);
    }

    boolean signInNameTaken(String signInName, String exceptId) {
        return jdbc.sql("select count(*) from account where sign_in_key = :key and id <> :id")
                .param("key", SignInNames.key(signInName)).param("id", exceptId == null ? "" : exceptId).query(Long.class).single() > 0;
    }

    void replaceRoles(String id, Set<String> roles) {
        jdbc.sql("delete from account_role where account_id = :id").param("id", id).update();
        for (String role : roles) {
            jdbc.sql("insert into account_role (account_id, role) values (:id, :role)").param("id", id).param("role", role).update();
        }
    }

    /** Locks the account row until the transaction ends (serialises concurrent changes to one account). */
    Optional<Account> findForUpdate(String id) {
        return jdbc.sql("select * from account where id = :id for update").param("id", id).query(this::row).optional()
                .map(this::withRoles);
    }

    Optional<Account> find(String id) {
        return jdbc.sql("select * from account where id = :id").param("id", id).query(this::row).optional().map(this::withRoles);
    }

    Optional<Account> findByUserHandle(String userHandle) {
        return jdbc.sql("select * from account where user_handle = :h").param("h", userHandle).query(this::row).optional()
                .map(this::withRoles);
    }

    boolean userHandleIssued(String userHandle) {
        return jdbc.sql("select count(*) from user_handle_issued where user_handle = :h").param("h", userHandle)
                .query(Long.class).single() > 0;
    }

    List<Account> all() {
        Map<String, Set<String>> roles = new HashMap<>();
        jdbc.sql("select account_id, role from account_role").query((ResultSet rs) -> {
            roles.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        });
        return jdbc.sql("select * from account order by emergency desc, display_name").query(this::row).list().stream()
                .map(a -> withRoles(a, roles.getOrDefault(a.id(), Set.of())))
                .toList();
    }

    long countWithRole(String role) {
        return jdbc.sql("select count(*) from account_role r join account a on a.id = r.account_id where r.role = :role")
                .param("role", role).query(Long.class).single();
    }

    /**
     * Takes access away from accounts at once: every session and OpenID Connect authorization
     * made before this call stops working at its next use (they compare this number).
     */
    void bumpSecurityVersion(String id) {
        jdbc.sql("update account set security_version = security_version + 1 where id = :id").param("id", id).update();
    }

    private Account withRoles(Account a) {
        return withRoles(a, new HashSet<>(jdbc.sql("select role from account_role where account_id = :id")
                .param("id", a.id()).query(String.class).list()));
    }

    private static Account withRoles(Account a, Set<String> roles) {
        return new Account(a.id(), a.displayName(), a.emergency(), a.enabled(), a.userHandle(), roles, a.createdAt(),
                a.updatedAt(), a.securityVersion(), a.signInName(), a.email(), a.emailVerified());
    }

    private Account row(ResultSet rs, int n) throws SQLException {
        return new Account(rs.getString("id"), rs.getString("display_name"), rs.getBoolean("emergency"),
                rs.getBoolean("enabled"), rs.getString("user_handle"), Set.of(),
                Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("updated_at", OffsetDateTime.class)), rs.getLong("security_version"),
                rs.getString("sign_in_name"), rs.getString("email"), rs.getBoolean("email_verified"));
    }
}
