package dev.failback.core.internal.staging;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.StagingStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Staging over JDBC on MySQL or MariaDB, so a MySQL user needs no second database: the staging schema
 * is a database ({@code _failback} by default). InnoDB limits index keys to 3072 bytes, so rows are
 * keyed by the SHA-256 of their primary-key text instead of the text itself; versions are one DECIMAL
 * ({@code wall * 10^10 + logical}) so they can be compared in one expression. Thread-safe.
 */
public final class MySqlStagingStore implements StagingStore {
    /** Rows per INSERT statement (all chunks of a batch in one transaction). */
    private static final int CHUNK = 500;
    private static final BigInteger TEN_BILLION = BigInteger.TEN.pow(10);

    private final DataSource dataSource;
    private final String schema;
    private final boolean createSchema;
    private final String mutations;
    private final String versions;
    private final String deadLetters;

    /**
     * Creates a store.
     *
     * @param dataSource   the staging database (MySQL or MariaDB)
     * @param schema       the staging database name
     * @param createSchema whether to create it when missing
     */
    public MySqlStagingStore(DataSource dataSource, String schema, boolean createSchema) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createSchema = createSchema;
        this.mutations = quote(schema) + ".`mutations`";
        this.versions = quote(schema) + ".`versions`";
        this.deadLetters = quote(schema) + ".`dead_letters`";
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    static void ensureDatabase(Connection c, String schema, boolean create) throws SQLException {
        if (create) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + quote(schema));
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new dev.failback.FailbackConfigurationException(List.of("staging database " + schema
                            + " does not exist; create it, or ask Failback to (createStagingSchema(true),"
                            + " --stagingCreateSchema)"));
                }
            }
        }
    }

    @Override
    public void init() throws SQLException {
        StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            ensureDatabase(c, schema, createSchema);
            s.execute("CREATE TABLE IF NOT EXISTS " + mutations + " ("
                    + "grp VARBINARY(255) NOT NULL, wall BIGINT NOT NULL, logical BIGINT NOT NULL,"
                    + " tbl VARBINARY(255) NOT NULL, key_hash BINARY(32) NOT NULL,"
                    + " tschema VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                    + " `key` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                    + " after LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                    + " `before` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                    + " staged_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " PRIMARY KEY (grp, wall, logical, tbl, key_hash)) ENGINE=InnoDB");
            s.execute("CREATE TABLE IF NOT EXISTS " + versions + " ("
                    + "grp VARBINARY(255) NOT NULL, tbl VARBINARY(255) NOT NULL, key_hash BINARY(32) NOT NULL,"
                    + " ver DECIMAL(30,0) NOT NULL, PRIMARY KEY (grp, tbl, key_hash), KEY (grp, ver)) ENGINE=InnoDB");
            s.execute("CREATE TABLE IF NOT EXISTS " + deadLetters + " ("
                    + "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, grp VARBINARY(255) NOT NULL,"
                    + " tbl VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                    + " `key` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                    + " wall BIGINT NOT NULL, logical BIGINT NOT NULL,"
                    + " after LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                    + " `before` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                    + " reason TEXT CHARACTER SET utf8mb4 NOT NULL,"
                    + " failed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " key_hash BINARY(32) NOT NULL, UNIQUE KEY (grp, tbl, key_hash, wall, logical)) ENGINE=InnoDB");
        }
    }

    @Override
    public void deadLetter(String group, Mutation m, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO "
                + deadLetters + " (grp, tbl, `key`, key_hash, wall, logical, after, `before`, reason)"
                + " VALUES (?, ?, ?, UNHEX(SHA2(?, 256)), ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, group.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ps.setString(2, m.table().schema() + "." + m.table().name());
            ps.setString(3, m.key());
            ps.setString(4, m.key());
            ps.setLong(5, m.updated().wall());
            ps.setLong(6, m.updated().logical());
            ps.setString(7, m.after());
            ps.setString(8, m.before());
            ps.setString(9, reason);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    @Override
    public int stage(String group, List<Mutation> batch) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        byte[] grp = group.getBytes(StandardCharsets.UTF_8);
        int inserted = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (int from = 0; from < batch.size(); from += CHUNK) {
                    List<Mutation> chunk = batch.subList(from, Math.min(batch.size(), from + CHUNK));
                    StringBuilder sql = new StringBuilder("INSERT IGNORE INTO ").append(mutations)
                            .append(" (grp, wall, logical, tbl, key_hash, tschema, `key`, after, `before`) VALUES ");
                    for (int i = 0; i < chunk.size(); i++) {
                        sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
                    }
                    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                        int p = 1;
                        for (Mutation m : chunk) {
                            ps.setBytes(p++, grp);
                            ps.setLong(p++, m.updated().wall());
                            ps.setLong(p++, m.updated().logical());
                            ps.setBytes(p++, m.table().name().getBytes(StandardCharsets.UTF_8));
                            ps.setBytes(p++, hash(m.key()));
                            ps.setString(p++, m.table().schema());
                            ps.setString(p++, m.key());
                            ps.setString(p++, m.after());
                            ps.setString(p++, m.before());
                        }
                        inserted += ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                JdbcStagingStore.rollbackQuietly(c);
                throw e;
            } finally {
                JdbcStagingStore.restoreAutoCommit(c, auto);
            }
        }
        return inserted;
    }

    @Override
    public List<Mutation> read(String group, Hlc from, Hlc to, Mutation after, int limit) throws SQLException {
        String sql = "SELECT tschema, tbl, wall, logical, `key`, after, `before` FROM " + mutations
                // MariaDB uses no index for row comparisons: the plain wall bounds make it a range on the key
                + " WHERE grp = ? AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)"
                + (after == null ? "" : " AND (wall, logical, tbl, key_hash) > (?, ?, ?, ?)")
                + " ORDER BY wall, logical, tbl, key_hash LIMIT ?";
        List<Mutation> out = new ArrayList<>(Math.min(limit, 10_000));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setBytes(i++, group.getBytes(StandardCharsets.UTF_8));
            ps.setLong(i++, after == null ? from.wall() : Math.max(from.wall(), after.updated().wall()));
            ps.setLong(i++, to.wall());
            ps.setLong(i++, from.wall());
            ps.setLong(i++, from.logical());
            ps.setLong(i++, to.wall());
            ps.setLong(i++, to.logical());
            if (after != null) {
                ps.setLong(i++, after.updated().wall());
                ps.setLong(i++, after.updated().logical());
                ps.setBytes(i++, after.table().name().getBytes(StandardCharsets.UTF_8));
                ps.setBytes(i++, hash(after.key()));
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Mutation(new TableName(rs.getString(1), new String(rs.getBytes(2), StandardCharsets.UTF_8)),
                            rs.getString(5), new Hlc(rs.getLong(3), (int) rs.getLong(4)), rs.getString(6),
                            rs.getString(7)));
                }
            }
        }
        return out;
    }

    @Override
    public long retire(String group, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + mutations + " WHERE grp = ? AND wall <= ? AND (wall, logical) <= (?, ?)")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            ps.setLong(2, upTo.wall());
            ps.setLong(3, upTo.wall());
            ps.setLong(4, upTo.logical());
            return ps.executeUpdate();
        }
    }

    /** Deletes the rows applied since the previous retire: a range on (grp, wall) of the primary key. */
    @Override
    public long retire(String group, Hlc after, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + mutations + " WHERE grp = ?"
                        + " AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            ps.setLong(2, after.wall());
            ps.setLong(3, upTo.wall());
            ps.setLong(4, after.wall());
            ps.setLong(5, after.logical());
            ps.setLong(6, upTo.wall());
            ps.setLong(7, upTo.logical());
            return ps.executeUpdate();
        }
    }

    @Override
    public long countAfter(String group, Hlc after) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + mutations
                        + " WHERE grp = ? AND (wall > ? OR (wall = ? AND logical > ?))")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            ps.setLong(2, after.wall());
            ps.setLong(3, after.wall());
            ps.setLong(4, after.logical());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public long count(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + mutations + " WHERE grp = ?")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public Map<RowKey, Hlc> appliedVersions(String group, Collection<RowKey> keys) throws SQLException {
        Map<RowKey, Hlc> out = new HashMap<>();
        List<RowKey> all = new ArrayList<>(keys);
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<RowKey> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                Map<String, RowKey> byHash = new HashMap<>();
                StringBuilder sql = new StringBuilder("SELECT tbl, key_hash, ver FROM ").append(versions)
                        .append(" WHERE grp = ? AND (tbl, key_hash) IN (");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.append(i == 0 ? "" : ",").append("(?,?)");
                }
                sql.append(')');
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    ps.setBytes(p++, group.getBytes(StandardCharsets.UTF_8));
                    for (RowKey k : chunk) {
                        byte[] h = hash(k.key());
                        byHash.put(k.table().name() + "\u0000" + hex(h), k);
                        ps.setBytes(p++, k.table().name().getBytes(StandardCharsets.UTF_8));
                        ps.setBytes(p++, h);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            RowKey k = byHash.get(new String(rs.getBytes(1), StandardCharsets.UTF_8) + "\u0000"
                                    + hex(rs.getBytes(2)));
                            if (k != null) {
                                out.put(k, fromDecimal(rs.getBigDecimal(3)));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void recordVersions(String group, Map<RowKey, Hlc> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        List<Map.Entry<RowKey, Hlc>> all = new ArrayList<>(applied.entrySet());
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<Map.Entry<RowKey, Hlc>> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                StringBuilder sql = new StringBuilder("INSERT INTO ").append(versions)
                        .append(" (grp, tbl, key_hash, ver) VALUES ");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.append(i == 0 ? "" : ",").append("(?,?,?,?)");
                }
                sql.append(" ON DUPLICATE KEY UPDATE ver = GREATEST(ver, VALUES(ver))");
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (Map.Entry<RowKey, Hlc> e : chunk) {
                        ps.setBytes(p++, group.getBytes(StandardCharsets.UTF_8));
                        ps.setBytes(p++, e.getKey().table().name().getBytes(StandardCharsets.UTF_8));
                        ps.setBytes(p++, hash(e.getKey().key()));
                        ps.setBigDecimal(p++, toDecimal(e.getValue()));
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    @Override
    public boolean holdsVersions(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + versions + " WHERE grp = ? LIMIT 1")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void retireVersions(String group, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND ver <= ?")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            ps.setBigDecimal(2, toDecimal(upTo));
            ps.executeUpdate();
        }
    }

    static BigDecimal toDecimal(Hlc h) {
        return new BigDecimal(BigInteger.valueOf(h.wall()).multiply(TEN_BILLION).add(BigInteger.valueOf(h.logical())));
    }

    static Hlc fromDecimal(BigDecimal d) {
        BigInteger[] qr = d.toBigIntegerExact().divideAndRemainder(TEN_BILLION);
        return new Hlc(qr[0].longValueExact(), qr[1].intValueExact());
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MySqlStagingStore[" + schema + "]";
    }
}
