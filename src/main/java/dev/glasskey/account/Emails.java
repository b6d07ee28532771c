package dev.glasskey.account;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * An account's e-mail address as relying parties receive it in the {@code email} claim (OpenID
 * Connect Core 1.0 §5.1: "RFC 5322 addr-spec syntax"). Parsed by Jakarta Mail in strict mode, as
 * the alert channels' addresses are, and kept only when it is a bare addr-spec: no display name,
 * no group, no comments, no route, ASCII only (RFC 5321 §4.5.3.1.3: at most 254 characters).
 */
final class Emails {
    static final int MAX = 254;

    private Emails() {}

    static String valid(String raw) {
        String value = raw.strip();
        if (value.length() > MAX || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw invalid();
        }
        try {
            InternetAddress parsed = new InternetAddress(value, true);
            parsed.validate();
            if (parsed.getPersonal() != null || parsed.isGroup() || !value.equals(parsed.getAddress())
                    || value.indexOf('@') <= 0 || value.indexOf('@') != value.lastIndexOf('@') || value.endsWith("@")) {
                throw invalid();
            }
        } catch (AddressException e) {
            throw invalid();
        }
        return value;
    }

    private static GlasskeyException invalid() {
        return new GlasskeyException(ErrorCode.REQUEST_INVALID, "email must be one address (local-part@domain, at most " + MAX
                + " printable ASCII characters, no name or comment).", "email");
    }
}
