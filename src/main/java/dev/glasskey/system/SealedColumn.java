package dev.glasskey.system;

import java.util.List;

/**
 * A database column that holds secrets, always sealed ({@link Sealing}): the table, the column
 * naming each row (part of the associated data, so a sealed value opens only in its own row) and
 * the sealed column. Every such column is listed in {@link #ALL}, which is what first start seals
 * and {@code glasskey keys rewrap} re-seals: a new secret column is added here.
 */
public record SealedColumn(String table, String idColumn, String valueColumn) {
    /** The server's own keys: the audit checkpoint key (PKCS#8 PEM) and the challenge MAC secret (base64). */
    public static final SealedColumn SERVER_KEY = new SealedColumn("server_key", "id", "private_pem");
    /** OpenID Connect token signing keys: JWK JSON with the private parts. */
    public static final SealedColumn OIDC_SIGNING_KEY = new SealedColumn("oidc_signing_key", "kid", "private_jwk");
    /** Alert channels: a webhook's HMAC secret, an SMTP password. */
    public static final SealedColumn ALERT_CHANNEL = new SealedColumn("alert_channel", "id", "secret");
    /** People's authenticator apps: the RFC 6238 shared secret, base32 (issue 15). */
    public static final SealedColumn TOTP = new SealedColumn("account_totp", "account_id", "secret");
    /** The check value that tells which key-encryption key sealed this database (secret/ package). */
    public static final SealedColumn KEK_CHECK = new SealedColumn("secret_kek", "kek_id", "check_value");

    /** Every column of secrets (the check values are not secrets and are not in this list). */
    public static final List<SealedColumn> ALL = List.of(SERVER_KEY, OIDC_SIGNING_KEY, ALERT_CHANNEL, TOTP);

    @Override
    public String toString() {
        return table + "." + valueColumn;
    }
}
