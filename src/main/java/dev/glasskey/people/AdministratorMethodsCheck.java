package dev.glasskey.people;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.glasskey.account.Roles;
import dev.glasskey.emergency.ReadinessCheck;
import dev.glasskey.emergency.ReadinessContributor;

/**
 * Readiness (issue 15): no administrator relies on a password and code. They sign in with a
 * security key only ({@code account.key_required}), so one whose only method is a password and
 * authenticator app — a person given an administrator role after setting those up — cannot sign in
 * at all (fail); one who holds them besides a key keeps a method that is never used (warn).
 */
@Component
class AdministratorMethodsCheck implements ReadinessContributor {
    static final String ID = "people.administrator_methods";
    private static final String TITLE = "No administrator relies on a password and code";

    private final JdbcClient jdbc;

    AdministratorMethodsCheck(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<ReadinessCheck> checks(Instant now) {
        record Holder(String name, long keys) {}
        List<Holder> holders = jdbc.sql("""
                select a.display_name,
                       (select count(*) from credential c join security_key k on k.id = c.key_id
                        where c.account_id = a.id and c.status = 'active' and k.status = 'active') as keys
                from account a join account_totp t on t.account_id = a.id and t.status = 'active'
                where a.enabled and (a.emergency or exists (select 1 from account_role r where r.account_id = a.id and r.role in (:privileged)))
                order by a.display_name""")
                .param("privileged", Roles.PRIVILEGED)
                .query((rs, n) -> new Holder(rs.getString(1), rs.getLong(2))).list();
        List<String> keyless = holders.stream().filter(h -> h.keys() == 0).map(Holder::name).toList();
        if (!keyless.isEmpty()) {
            return List.of(new ReadinessCheck(ID, TITLE, ReadinessCheck.Status.FAIL,
                    "Administrators with only a password and code, which never sign an administrator in: " + keyless + ".",
                    "Enrol a security key for each (POST /api/enrolments), or take the administrator role away."));
        }
        if (!holders.isEmpty()) {
            return List.of(new ReadinessCheck(ID, TITLE, ReadinessCheck.Status.WARN,
                    "Administrators holding a password and code besides their key (never used to sign them in): "
                            + holders.stream().map(Holder::name).toList() + ".",
                    "Nothing is at risk; the password and code work again if the administrator role is taken away."));
        }
        return List.of(new ReadinessCheck(ID, TITLE, ReadinessCheck.Status.PASS,
                "No administrator holds a password and code as a sign-in method.", null));
    }
}
