package dev.glasskey.oidc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.util.StringUtils;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Authorization Server's authorizations in {@code oauth2_authorization} — the same
 * table, columns and JSON as its {@code JdbcOAuth2AuthorizationService}, so this store reads rows
 * the stock service wrote (by id) — with less work per grant:
 * <ul>
 * <li>access, ID and refresh tokens are found by their SHA-256, kept in three more columns and
 * indexed (V8), instead of by an index of the whole value (a JWT is about a kilobyte, and a
 * refresh replaces three tokens); rows the stock service writes lack the hashes, so only this
 * store may write the table;
 * <li>a JWT's claims are not kept in its metadata JSON (the token carries them, signed): they
 * are restored from the token on read ({@link #storedMetadata}, {@link #readMetadata});
 * <li>no read before a write: {@code save} updates by id and inserts only when no row was
 * updated (the stock service loads and parses the whole row first, to choose);
 * <li>an authorization read earlier in the same transaction (a refresh, a revocation, a code
 * exchange) is updated in the columns that changed only: attributes and tokens that are the
 * very objects that were read are neither serialised again nor written;
 * <li>a client-credentials authorization (nothing but a JWT access token) is one narrow row of
 * {@code oidc_client_token} (V6): the token's SHA-256, client, scopes, times and the revoked
 * flag. Presented again (introspection, revocation), the token is found by its hash and its
 * claims are read from the token itself, which the hash proves is the one issued.
 * </ul>
 * What was read is remembered for the current transaction only, so a row changed meanwhile by
 * another node is never diffed against a stale copy beyond what the stock service would
 * overwrite anyway (it writes every column, last writer wins).
 */
final class AuthorizationStore implements OAuth2AuthorizationService {
    private static final String TABLE = "oauth2_authorization";
    private static final String COLUMNS = "id, registered_client_id, principal_name, authorization_grant_type, authorized_scopes, "
            + "attributes, state, "
            + "authorization_code_value, authorization_code_issued_at, authorization_code_expires_at, authorization_code_metadata, "
            + "access_token_value, access_token_issued_at, access_token_expires_at, access_token_metadata, access_token_type, "
            + "access_token_scopes, "
            + "oidc_id_token_value, oidc_id_token_issued_at, oidc_id_token_expires_at, oidc_id_token_metadata, "
            + "refresh_token_value, refresh_token_issued_at, refresh_token_expires_at, refresh_token_metadata, "
            + "user_code_value, user_code_issued_at, user_code_expires_at, user_code_metadata, "
            + "device_code_value, device_code_issued_at, device_code_expires_at, device_code_metadata, "
            + "access_token_hash, oidc_id_token_hash, refresh_token_hash";
    private static final String[] COLUMN_NAMES = COLUMNS.split(",\\s*");
    private static final String INSERT = "insert into " + TABLE + " (" + COLUMNS + ") values ("
            + String.join(", ", Collections.nCopies(COLUMN_NAMES.length, "?")) + ")";
    private static final String SELECT = "select " + COLUMNS + " from " + TABLE + " where ";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** The token kinds and their column prefixes, in column order. */
    private static final List<Kind> KINDS = List.of(
            new Kind(OAuth2AuthorizationCode.class, "authorization_code", false),
            new Kind(OAuth2AccessToken.class, "access_token", true),
            new Kind(OidcIdToken.class, "oidc_id_token", true),
            new Kind(OAuth2RefreshToken.class, "refresh_token", true),
            new Kind(OAuth2UserCode.class, "user_code", false),
            new Kind(OAuth2DeviceCode.class, "device_code", false));

    /** A null for a timestamp column (PostgreSQL refuses a varchar-typed null there). */
    private static final Object NO_TIME = new Object();

    /** A token kind and its column prefix; {@code hashed}: found by {@code <prefix>_hash} (V8), not by its value. */
    private record Kind(Class<? extends OAuth2Token> type, String prefix, boolean hashed) {}

    private final JdbcTemplate jdbc;
    private final RegisteredClientRepository clients;
    /** The JSON of the stock service: Spring Security's modules, with their type allow-list. */
    private final JsonMapper json;
    /** Authorizations read or written in the current transaction, by id. */
    private final TransactionMemo<String, OAuth2Authorization> remembered = new TransactionMemo<>();
    /** How many parsed attribute columns are kept (least recently used out; a few MiB at most). */
    static final int PARSED_ATTRIBUTES = 2048;
    /** Parsed attribute columns by their exact JSON text: see {@link #readAttributes}. */
    private final Map<String, Map<String, Object>> parsedAttributes = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            return size() > PARSED_ATTRIBUTES;
        }
    };

    AuthorizationStore(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.json = JsonMapper.builder().addModules(SecurityJacksonModules.getModules(AuthorizationStore.class.getClassLoader())).build();
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        Objects.requireNonNull(authorization, "authorization");
        OAuth2Authorization before = remembered.get(authorization.getId());
        if (authorization.getId().startsWith(CLIENT_TOKEN_ID)) {
            saveClientToken(authorization);
        } else if (before == null && clientToken(authorization)) {
            insertClientToken(authorization);
            return; // its id is not the one it will be found by: nothing to remember
        } else if (before != null) {
            updateChanged(before, authorization);
        } else {
            List<Object> values = new ArrayList<>(COLUMN_NAMES.length);
            values(authorization, values);
            if (update(List.of(COLUMN_NAMES).subList(1, COLUMN_NAMES.length), values.subList(1, values.size()), authorization.getId()) == 0) {
                jdbc.update(INSERT, ps -> bind(ps, values, null));
            }
        }
        remembered.put(authorization.getId(), authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        Objects.requireNonNull(authorization, "authorization");
        if (authorization.getId().startsWith(CLIENT_TOKEN_ID)) {
            jdbc.update("delete from oidc_client_token where token_hash = ?", authorization.getId().substring(CLIENT_TOKEN_ID.length()));
        } else {
            jdbc.update("delete from " + TABLE + " where id = ?", authorization.getId());
        }
        remembered.remove(authorization.getId());
    }

    @Override
    public OAuth2Authorization findById(String id) {
        if (id.startsWith(CLIENT_TOKEN_ID)) {
            return null; // found by the token only (its claims come from the token)
        }
        return find("id = ?", id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if ((tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) && isJwt(token)) {
            OAuth2Authorization issued = findClientToken(token);
            if (issued != null) {
                return issued;
            }
        }
        // Access, ID and refresh tokens are found by their hash (the indexed column, V8), and the
        // whole value is compared as well, so the hash only narrows the search.
        if (tokenType == null) {
            String hash = hash(token);
            return find("state = ? or authorization_code_value = ? or (access_token_hash = ? and access_token_value = ?) "
                    + "or (oidc_id_token_hash = ? and oidc_id_token_value = ?) or (refresh_token_hash = ? and refresh_token_value = ?) "
                    + "or user_code_value = ? or device_code_value = ?",
                    token, token, hash, token, hash, token, hash, token, token, token);
        }
        return switch (tokenType.getValue()) {
            case OAuth2ParameterNames.STATE -> find("state = ?", token);
            case OAuth2ParameterNames.CODE -> find("authorization_code_value = ?", token);
            case OAuth2ParameterNames.ACCESS_TOKEN -> find("access_token_hash = ? and access_token_value = ?", hash(token), token);
            case OidcParameterNames.ID_TOKEN -> find("oidc_id_token_hash = ? and oidc_id_token_value = ?", hash(token), token);
            case OAuth2ParameterNames.REFRESH_TOKEN -> find("refresh_token_hash = ? and refresh_token_value = ?", hash(token), token);
            case OAuth2ParameterNames.USER_CODE -> find("user_code_value = ?", token);
            case OAuth2ParameterNames.DEVICE_CODE -> find("device_code_value = ?", token);
            default -> null;
        };
    }

    private OAuth2Authorization find(String filter, String... values) {
        List<OAuth2Authorization> found = jdbc.query(SELECT + filter, ps -> {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
        }, (rs, n) -> read(rs));
        if (found.isEmpty()) {
            return null;
        }
        OAuth2Authorization authorization = found.get(0);
        remembered.put(authorization.getId(), authorization);
        return authorization;
    }

    /** Writes the columns whose values are not the very objects (or equal strings) of {@code before}. */
    private void updateChanged(OAuth2Authorization before, OAuth2Authorization after) {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        changed(columns, values, "registered_client_id", before.getRegisteredClientId(), after.getRegisteredClientId());
        changed(columns, values, "principal_name", before.getPrincipalName(), after.getPrincipalName());
        changed(columns, values, "authorization_grant_type", before.getAuthorizationGrantType().getValue(),
                after.getAuthorizationGrantType().getValue());
        changed(columns, values, "authorized_scopes", scopes(before.getAuthorizedScopes()), scopes(after.getAuthorizedScopes()));
        if (!sameValues(before.getAttributes(), after.getAttributes())) {
            columns.add("attributes");
            values.add(writeMap(after.getAttributes()));
        }
        changed(columns, values, "state", state(before), state(after));
        for (Kind kind : KINDS) {
            OAuth2Authorization.Token<?> old = before.getToken(kind.type());
            OAuth2Authorization.Token<?> now = after.getToken(kind.type());
            if (old == now) {
                continue;
            }
            List<Object> tokenValues = new ArrayList<>(6);
            token(now, kind, tokenValues);
            columns.add(kind.prefix() + "_value");
            columns.add(kind.prefix() + "_issued_at");
            columns.add(kind.prefix() + "_expires_at");
            columns.add(kind.prefix() + "_metadata");
            if (kind.type() == OAuth2AccessToken.class) {
                columns.add("access_token_type");
                columns.add("access_token_scopes");
            }
            values.addAll(tokenValues);
            if (kind.hashed()) {
                columns.add(kind.prefix() + "_hash");
                values.add(tokenHash(now));
            }
        }
        if (!columns.isEmpty()) {
            update(columns, values, after.getId());
        }
    }

    private int update(List<String> columns, List<Object> values, String id) {
        StringBuilder sql = new StringBuilder(64 + columns.size() * 32).append("update ").append(TABLE).append(" set ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = ?");
        }
        sql.append(" where id = ?");
        return jdbc.update(sql.toString(), ps -> bind(ps, values, id));
    }

    private static void bind(PreparedStatement ps, List<Object> values, String id) throws SQLException {
        int i = 1;
        for (Object value : values) {
            if (value == null) {
                ps.setNull(i, Types.VARCHAR);
            } else if (value == NO_TIME) {
                ps.setNull(i, Types.TIMESTAMP);
            } else if (value instanceof Timestamp t) {
                ps.setTimestamp(i, t);
            } else {
                ps.setString(i, (String) value);
            }
            i++;
        }
        if (id != null) {
            ps.setString(i, id);
        }
    }

    private static void changed(List<String> columns, List<Object> values, String column, String before, String after) {
        if (!Objects.equals(before, after)) {
            columns.add(column);
            values.add(after);
        }
    }

    /** Every column's value, in {@link #COLUMNS} order (timestamps as {@link Timestamp} or {@link #NO_TIME}, the rest as strings). */
    private void values(OAuth2Authorization a, List<Object> values) {
        values.add(a.getId());
        values.add(a.getRegisteredClientId());
        values.add(a.getPrincipalName());
        values.add(a.getAuthorizationGrantType().getValue());
        values.add(scopes(a.getAuthorizedScopes()));
        values.add(writeMap(a.getAttributes()));
        values.add(state(a));
        for (Kind kind : KINDS) {
            token(a.getToken(kind.type()), kind, values);
        }
        for (Kind kind : KINDS) {
            if (kind.hashed()) values.add(tokenHash(a.getToken(kind.type())));
        }
    }

    /** The look-up hash of a token (V8): null when there is no token. */
    private static String tokenHash(OAuth2Authorization.Token<?> token) {
        return token == null || token.getToken() == null || !StringUtils.hasText(token.getToken().getTokenValue())
                ? null : hash(token.getToken().getTokenValue());
    }

    private void token(OAuth2Authorization.Token<?> token, Kind kind, List<Object> values) {
        OAuth2Token t = token == null ? null : token.getToken();
        values.add(t == null ? null : t.getTokenValue());
        values.add(t == null || t.getIssuedAt() == null ? NO_TIME : Timestamp.from(t.getIssuedAt()));
        values.add(t == null || t.getExpiresAt() == null ? NO_TIME : Timestamp.from(t.getExpiresAt()));
        values.add(token == null ? null : writeMap(storedMetadata(token)));
        if (kind.type() == OAuth2AccessToken.class) {
            OAuth2AccessToken access = (OAuth2AccessToken) t;
            values.add(access == null ? null : access.getTokenType().getValue());
            values.add(access == null ? null : scopes(access.getScopes()));
        }
    }

    /**
     * A token's metadata as stored. The claims of a JWT (access or ID token) are left out: the
     * token itself carries them, signed, and {@link #read} restores them from it ({@link #claims}).
     * They were two typed JSON maps of ~0.7 KB each, written on every refresh and parsed on every
     * read. Rows stored with the claims (before this, or by the stock service) read as before.
     * Opaque tokens keep theirs: nothing else holds them.
     */
    private static Map<String, Object> storedMetadata(OAuth2Authorization.Token<?> token) {
        Map<String, Object> metadata = token.getMetadata();
        if (!metadata.containsKey(OAuth2Authorization.Token.CLAIMS_METADATA_NAME) || token.getToken() == null
                || !isJwt(token.getToken().getTokenValue())) {
            return metadata;
        }
        Map<String, Object> stored = new HashMap<>(metadata);
        stored.remove(OAuth2Authorization.Token.CLAIMS_METADATA_NAME);
        return stored;
    }

    /**
     * The metadata read from a token's column, with the claims of a JWT restored from the token
     * when they were left out: parsed now, or with {@code lazily} on first use ({@link ClaimsOfJwt}).
     */
    private Map<String, Object> readMetadata(String text, String token, boolean lazily) {
        Map<String, Object> metadata = readMap(text);
        if (metadata.containsKey(OAuth2Authorization.Token.CLAIMS_METADATA_NAME) || !isJwt(token)) {
            return metadata;
        }
        Map<String, Object> restored = new HashMap<>(metadata);
        restored.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, lazily ? new ClaimsOfJwt(token) : claims(token));
        return restored;
    }

    /**
     * The claims of a stored access token, parsed from the token the first time they are asked
     * for. A refresh (most reads of a row) replaces the access token without ever looking at the
     * old one's claims, and parsing it was ~3 % of a refresh; introspection and UserInfo, which do
     * look, get the same map as an eager parse would give them. Unmodifiable, like the claims of a
     * freshly issued token. Never stored: {@link #storedMetadata} leaves a JWT's claims out.
     */
    static final class ClaimsOfJwt extends java.util.AbstractMap<String, Object> {
        private final String jwt;
        private volatile Map<String, Object> parsed;

        ClaimsOfJwt(String jwt) {
            this.jwt = jwt;
        }

        private Map<String, Object> parsed() {
            Map<String, Object> claims = parsed;
            if (claims == null) {
                claims = Collections.unmodifiableMap(claims(jwt));
                parsed = claims;
            }
            return claims;
        }

        /** Whether the token was parsed yet (for tests). */
        boolean isParsed() {
            return parsed != null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return parsed().entrySet();
        }

        @Override
        public Object get(Object key) {
            return parsed().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return parsed().containsKey(key);
        }

        @Override
        public int size() {
            return parsed().size();
        }
    }

    private static String scopes(Set<String> scopes) {
        return scopes == null || scopes.isEmpty() ? null : String.join(",", scopes);
    }

    private static String state(OAuth2Authorization a) {
        String state = a.getAttribute(OAuth2ParameterNames.STATE);
        return StringUtils.hasText(state) ? state : null;
    }

    private static boolean sameValues(Map<String, Object> before, Map<String, Object> after) {
        if (before.size() != after.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : after.entrySet()) {
            if (before.get(e.getKey()) != e.getValue()) {
                return false;
            }
        }
        return true;
    }

    String writeMap(Map<String, Object> map) {
        return json.writeValueAsString(map);
    }

    private Map<String, Object> readMap(String text) {
        return StringUtils.hasText(text) ? json.readValue(text, MAP) : Map.of();
    }

    /**
     * The attributes column, parsed. It is written once per authorization (at the code exchange)
     * and read back on every refresh, introspection and UserInfo call; parsing it with the
     * allow-listed mapper is most of the cost of reading a row (Spring Security's deserialisers
     * rebuild their typed-collection deserialisers on every call). So the parse is remembered by
     * the exact JSON text (content-addressed: a changed row is different text, another node's
     * writes included) for up to {@link #PARSED_ATTRIBUTES} texts, and only when every value is
     * a string, an {@link OAuth2AuthorizationRequest} (immutable) or a
     * {@link UsernamePasswordAuthenticationToken} (handed out as a fresh copy per read, because
     * the token is mutable).
     */
    Map<String, Object> readAttributes(String text) {
        if (!StringUtils.hasText(text)) {
            return Map.of();
        }
        Map<String, Object> parsed;
        synchronized (parsedAttributes) {
            parsed = parsedAttributes.get(text);
        }
        if (parsed == null) {
            parsed = readMap(text);
            if (!rememberable(parsed)) {
                return parsed;
            }
            synchronized (parsedAttributes) {
                parsedAttributes.put(text, parsed);
            }
        }
        Map<String, Object> copy = new HashMap<>(parsed);
        copy.replaceAll((name, value) -> value instanceof UsernamePasswordAuthenticationToken t ? copyOf(t) : value);
        return copy;
    }

    private static boolean rememberable(Map<String, Object> attributes) {
        for (Object value : attributes.values()) {
            if (value instanceof UsernamePasswordAuthenticationToken t) {
                if (t.getClass() != UsernamePasswordAuthenticationToken.class || !(t.getPrincipal() instanceof String)
                        || t.getCredentials() != null || !(t.getDetails() == null || t.getDetails() instanceof Map<?, ?>)) {
                    return false;
                }
            } else if (!(value instanceof String) && !(value != null && value.getClass() == OAuth2AuthorizationRequest.class)) {
                return false;
            }
        }
        return true;
    }

    private static UsernamePasswordAuthenticationToken copyOf(UsernamePasswordAuthenticationToken t) {
        UsernamePasswordAuthenticationToken copy = t.isAuthenticated()
                ? UsernamePasswordAuthenticationToken.authenticated(t.getPrincipal(), null, t.getAuthorities())
                : UsernamePasswordAuthenticationToken.unauthenticated(t.getPrincipal(), null);
        copy.setDetails(t.getDetails() instanceof Map<?, ?> d ? new HashMap<>(d) : null);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private OAuth2Authorization read(ResultSet rs) throws SQLException {
        String clientId = rs.getString("registered_client_id");
        RegisteredClient client = clients.findById(clientId);
        if (client == null) {
            throw new DataRetrievalFailureException("The RegisteredClient with id '" + clientId + "' was not found in the RegisteredClientRepository.");
        }
        String scopes = rs.getString("authorized_scopes");
        Map<String, Object> attributes = readAttributes(rs.getString("attributes"));
        OAuth2Authorization.Builder b = OAuth2Authorization.withRegisteredClient(client)
                .id(rs.getString("id"))
                .principalName(rs.getString("principal_name"))
                .authorizationGrantType(new AuthorizationGrantType(rs.getString("authorization_grant_type")))
                .authorizedScopes(scopes == null ? Set.of() : StringUtils.commaDelimitedListToSet(scopes))
                .attributes(a -> a.putAll(attributes));
        String state = rs.getString("state");
        if (StringUtils.hasText(state)) {
            b.attribute(OAuth2ParameterNames.STATE, state);
        }
        String code = rs.getString("authorization_code_value");
        if (StringUtils.hasText(code)) {
            Map<String, Object> metadata = readMap(rs.getString("authorization_code_metadata"));
            b.token(new OAuth2AuthorizationCode(code, instant(rs, "authorization_code_issued_at"), instant(rs, "authorization_code_expires_at")),
                    m -> m.putAll(metadata));
        }
        String access = rs.getString("access_token_value");
        if (StringUtils.hasText(access)) {
            Map<String, Object> metadata = readMetadata(rs.getString("access_token_metadata"), access, true);
            String type = rs.getString("access_token_type");
            OAuth2AccessToken.TokenType tokenType = OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(type)
                    ? OAuth2AccessToken.TokenType.BEARER
                    : OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(type) ? OAuth2AccessToken.TokenType.DPOP : null;
            if (tokenType == null) {
                throw new IllegalArgumentException("access_token_type must be BEARER or DPOP");
            }
            String accessScopes = rs.getString("access_token_scopes");
            b.token(new OAuth2AccessToken(tokenType, access, instant(rs, "access_token_issued_at"), instant(rs, "access_token_expires_at"),
                    accessScopes == null ? Set.of() : StringUtils.commaDelimitedListToSet(accessScopes)), m -> m.putAll(metadata));
        }
        String idToken = rs.getString("oidc_id_token_value");
        if (StringUtils.hasText(idToken)) {
            Map<String, Object> metadata = readMetadata(rs.getString("oidc_id_token_metadata"), idToken, false);
            Map<String, Object> claims = (Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME);
            b.token(new OidcIdToken(idToken, instant(rs, "oidc_id_token_issued_at"), instant(rs, "oidc_id_token_expires_at"),
                    claims == null ? Map.of() : claims), m -> m.putAll(metadata));
        }
        String refresh = rs.getString("refresh_token_value");
        if (StringUtils.hasText(refresh)) {
            Map<String, Object> metadata = readMap(rs.getString("refresh_token_metadata"));
            b.token(new OAuth2RefreshToken(refresh, instant(rs, "refresh_token_issued_at"), instant(rs, "refresh_token_expires_at")),
                    m -> m.putAll(metadata));
        }
        String userCode = rs.getString("user_code_value");
        if (StringUtils.hasText(userCode)) {
            Map<String, Object> metadata = readMap(rs.getString("user_code_metadata"));
            b.token(new OAuth2UserCode(userCode, instant(rs, "user_code_issued_at"), instant(rs, "user_code_expires_at")), m -> m.putAll(metadata));
        }
        String deviceCode = rs.getString("device_code_value");
        if (StringUtils.hasText(deviceCode)) {
            Map<String, Object> metadata = readMap(rs.getString("device_code_metadata"));
            b.token(new OAuth2DeviceCode(deviceCode, instant(rs, "device_code_issued_at"), instant(rs, "device_code_expires_at")),
                    m -> m.putAll(metadata));
        }
        return b.build();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    // --- client-credentials access tokens (oidc_client_token) ---------------------------------

    /** The id of an authorization read from {@code oidc_client_token}: this prefix and the token's hash. */
    private static final String CLIENT_TOKEN_ID = "client-token:";

    /** A client-credentials authorization: one JWT access token, no other token, no attributes. */
    private static boolean clientToken(OAuth2Authorization a) {
        if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(a.getAuthorizationGrantType()) || !a.getAttributes().isEmpty()
                || a.getAccessToken() == null || !isJwt(a.getAccessToken().getToken().getTokenValue())
                || a.getAccessToken().getToken().getExpiresAt() == null || a.getAccessToken().getToken().getIssuedAt() == null) {
            return false;
        }
        for (Kind kind : KINDS) {
            if (kind.type() != OAuth2AccessToken.class && a.getToken(kind.type()) != null) {
                return false;
            }
        }
        return true;
    }

    private void insertClientToken(OAuth2Authorization a) {
        OAuth2Authorization.Token<OAuth2AccessToken> token = a.getAccessToken();
        OAuth2AccessToken access = token.getToken();
        jdbc.update("insert into oidc_client_token (token_hash, registered_client_id, principal_name, scopes, issued_at, expires_at, "
                + "invalidated) values (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, hash(access.getTokenValue()));
                    ps.setString(2, a.getRegisteredClientId());
                    ps.setString(3, a.getPrincipalName());
                    ps.setString(4, scopes(access.getScopes()));
                    ps.setTimestamp(5, Timestamp.from(access.getIssuedAt()));
                    ps.setTimestamp(6, Timestamp.from(access.getExpiresAt()));
                    ps.setBoolean(7, token.isInvalidated());
                });
    }

    /** Only revocation changes a stored client token. */
    private void saveClientToken(OAuth2Authorization a) {
        if (!clientToken(a)) {
            throw new IllegalStateException("a client-credentials authorization holds one access token only");
        }
        String hash = a.getId().substring(CLIENT_TOKEN_ID.length());
        if (!hash.equals(hash(a.getAccessToken().getToken().getTokenValue()))) {
            throw new IllegalStateException("a client-credentials authorization keeps its access token");
        }
        jdbc.update("update oidc_client_token set invalidated = ? where token_hash = ?", a.getAccessToken().isInvalidated(), hash);
    }

    @SuppressWarnings("unchecked")
    private OAuth2Authorization findClientToken(String token) {
        String hash = hash(token);
        List<OAuth2Authorization> found = jdbc.query("select registered_client_id, principal_name, scopes, issued_at, expires_at, "
                + "invalidated from oidc_client_token where token_hash = ?", ps -> ps.setString(1, hash), (rs, n) -> {
                    RegisteredClient client = clients.findById(rs.getString(1));
                    if (client == null) {
                        return null;
                    }
                    Set<String> scopes = rs.getString(3) == null ? Set.of() : StringUtils.commaDelimitedListToSet(rs.getString(3));
                    Map<String, Object> claims = claims(token);
                    Map<String, Object> cnf = claims.get("cnf") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
                    OAuth2AccessToken access = new OAuth2AccessToken(cnf != null && cnf.containsKey("jkt")
                            ? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER,
                            token, instant(rs, "issued_at"), instant(rs, "expires_at"), scopes);
                    boolean invalidated = rs.getBoolean(6);
                    return OAuth2Authorization.withRegisteredClient(client)
                            .id(CLIENT_TOKEN_ID + hash)
                            .principalName(rs.getString(2))
                            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                            .authorizedScopes(scopes)
                            .token(access, metadata -> {
                                metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims);
                                metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, invalidated);
                                metadata.put(OAuth2TokenFormat.class.getName(), client.getTokenSettings().getAccessTokenFormat().getValue());
                            })
                            .build();
                });
        OAuth2Authorization authorization = found.isEmpty() ? null : found.get(0);
        if (authorization != null) {
            remembered.put(authorization.getId(), authorization);
        }
        return authorization;
    }

    /**
     * The claims of a token this server signed and stored (a client token whose hash matched its
     * row, or a row's access or ID token), as the JWT encoder had them: the registered times
     * ({@code iat}, {@code exp}, {@code nbf}) as {@link Instant}, {@code auth_time} as a
     * {@link java.util.Date} (TokenClaims sets it so, and Spring Authorization Server reads the
     * current ID token's {@code auth_time} as a Date when it refreshes), the rest as parsed.
     */
    static Map<String, Object> claims(String jwt) {
        try {
            Map<String, Object> claims = new HashMap<>(com.nimbusds.jwt.JWTParser.parse(jwt).getJWTClaimsSet().getClaims());
            claims.replaceAll((name, value) -> value instanceof java.util.Date d ? d.toInstant()
                    : name.equals("auth_time") && value instanceof Number seconds ? new java.util.Date(seconds.longValue() * 1000) : value);
            return claims;
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("a stored token is not a JWT", e);
        }
    }

    private static boolean isJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && token.indexOf('.', token.lastIndexOf('.') + 1) < 0;
    }

    /** SHA-256 of the token, base64url without padding (43 characters). */
    static String hash(String token) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
