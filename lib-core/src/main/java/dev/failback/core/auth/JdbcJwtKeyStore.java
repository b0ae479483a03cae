package dev.failback.core.auth;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * MOLT Replicator's JWT tables in a staging schema: active public keys from
 * {@code jwt_public_keys(id, public_key, active)} and revoked token ids from {@code jwt_revoked_ids(id)}.
 * Works on PostgreSQL and CockroachDB (schema {@code name} or {@code database.schema}) and on MySQL
 * and MariaDB (the schema is a database). Thread-safe; holds no connection between calls and never
 * closes the data source.
 *
 * <p>With {@code createTables}, the first {@link #load()} creates the tables when missing, with MOLT's
 * columns:
 * <pre>{@code
 * CREATE TABLE IF NOT EXISTS <schema>.jwt_public_keys (id UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
 *     public_key TEXT NOT NULL, active BOOL NOT NULL DEFAULT true);
 * CREATE TABLE IF NOT EXISTS <schema>.jwt_revoked_ids (id TEXT NOT NULL PRIMARY KEY);
 * }</pre>
 * Then trust a key with {@code INSERT INTO <schema>.jwt_public_keys (public_key) VALUES ('<PEM>')} and
 * revoke a token with {@code INSERT INTO <schema>.jwt_revoked_ids (id) VALUES ('<jti>')}.
 */
public final class JdbcJwtKeyStore implements JwtKeyStore {
    /** The table of public keys, as MOLT names it. */
    public static final String PUBLIC_KEYS_TABLE = "jwt_public_keys";
    /** The table of revoked token ids, as MOLT names it. */
    public static final String REVOKED_IDS_TABLE = "jwt_revoked_ids";

    private final DataSource dataSource;
    private final String schema;
    private final boolean createTables;
    private volatile Boolean mysql;
    private volatile boolean created;

    private JdbcJwtKeyStore(DataSource dataSource, String schema, boolean createTables) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createTables = createTables;
    }

    /**
     * Reads the JWT tables of a staging schema.
     *
     * @param dataSource   the staging database, never null
     * @param schema       the staging schema ({@code name} or {@code database.schema}; a database on MySQL)
     * @param createTables whether the first load creates the tables when missing (the schema must exist)
     * @return the store
     */
    public static JdbcJwtKeyStore of(DataSource dataSource, String schema, boolean createTables) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(schema, "schema");
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?")) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier, but was " + schema);
        }
        return new JdbcJwtKeyStore(dataSource, schema, createTables);
    }

    @Override
    public Contents load() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean my = isMySql(c);
            String keys = table(my, PUBLIC_KEYS_TABLE);
            String revoked = table(my, REVOKED_IDS_TABLE);
            if (createTables && !created) {
                if (my) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + keys + " (id CHAR(36) NOT NULL PRIMARY KEY DEFAULT (UUID()),"
                            + " public_key TEXT NOT NULL, active BOOLEAN NOT NULL DEFAULT TRUE)");
                    s.execute("CREATE TABLE IF NOT EXISTS " + revoked + " (id VARCHAR(255) NOT NULL PRIMARY KEY)");
                } else {
                    s.execute("CREATE TABLE IF NOT EXISTS " + keys + " (id UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),"
                            + " public_key TEXT NOT NULL, active BOOL NOT NULL DEFAULT true)");
                    s.execute("CREATE TABLE IF NOT EXISTS " + revoked + " (id TEXT NOT NULL PRIMARY KEY)");
                }
                created = true;
            }
            Map<String, String> publicKeys = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT id, public_key FROM " + keys + " WHERE active ORDER BY id")) {
                while (rs.next()) {
                    publicKeys.put(rs.getString(1), rs.getString(2));
                }
            }
            Set<String> revokedIds = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id FROM " + revoked)) {
                while (rs.next()) {
                    revokedIds.add(rs.getString(1));
                }
            }
            return new Contents(publicKeys, revokedIds);
        }
    }

    private boolean isMySql(Connection c) throws SQLException {
        Boolean m = mysql;
        if (m == null) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            m = product.contains("mysql") || product.contains("mariadb");
            mysql = m;
        }
        return m;
    }

    private String table(boolean my, String table) {
        StringBuilder sb = new StringBuilder();
        for (String part : schema.split("\\.")) {
            sb.append(my ? "`" + part + "`" : "\"" + part + "\"").append('.');
        }
        return sb.append(table).toString();
    }

    @Override
    public String toString() {
        return "JdbcJwtKeyStore[" + schema + "." + PUBLIC_KEYS_TABLE + ", " + schema + "." + REVOKED_IDS_TABLE + "]";
    }
}
