package dev.glasskey.webauthn;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.glasskey.system.Actor;
import dev.glasskey.system.Actors;

/**
 * The signed-in session: a verified sign-in. Roles become authorities {@code ROLE_<role>};
 * {@code FACTOR_HWK} records that a hardware key with user verification was used,
 * {@code FACTOR_SWK} a synced passkey, {@code FACTOR_PWD_OTP} a password and code (issue 15).
 */
public final class GlasskeyAuthentication extends AbstractAuthenticationToken {
    private final Principal principal;

    public GlasskeyAuthentication(SignedIn signedIn) {
        super(authorities(signedIn));
        this.principal = new Principal(signedIn);
        setAuthenticated(true);
    }

    private static List<SimpleGrantedAuthority> authorities(SignedIn s) {
        return java.util.stream.Stream.concat(
                s.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)),
                java.util.stream.Stream.of(new SimpleGrantedAuthority(switch (s.method()) {
                    case SignedIn.PASSWORD_AND_CODE -> "FACTOR_PWD_OTP";
                    case SignedIn.PASSKEY -> "FACTOR_SWK";
                    default -> "FACTOR_HWK";
                }))).toList();
    }

    public SignedIn signedIn() {
        return principal.signedIn();
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.signedIn().accountId();
    }

    /** The principal object stored in the session. */
    public record Principal(SignedIn signedIn) implements Actors.Source, java.io.Serializable {
        @Override
        public Actor actor() {
            return new Actor(signedIn.accountId(), signedIn.displayName());
        }
    }
}
