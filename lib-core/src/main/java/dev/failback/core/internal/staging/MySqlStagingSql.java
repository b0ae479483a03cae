package dev.failback.core.internal.staging;

import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.StagingStore.RowKey;
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

/**
 * Staging SQL for MySQL and MariaDB, so a MySQL user needs no second database: the staging schema is
 * a database ({@code _failback} by default). InnoDB limits index keys to 3072 bytes, so rows are keyed
 * by the SHA-256 of their primary-key text instead of the text itself; versions are one DECIMAL
 * ({@code wall * 10^10 + logical}) so they can be compared in one expression.
 */
final class MySqlStagingSql extends StagingSql {
    /** Rows per INSERT statement (all chunks of a batch in one transaction). */
    private static final int CHUNK = 500;
    private static final BigInteger TEN_BILLION = BigInteger.TEN.pow(10);

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    String table(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The schema is a database.
     */
    @Override
    void ensureSchema(Connection c, String schema, boolean create) throws SQLException {
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
                    throw new FailbackConfigurationException(List.of("staging database " + schema
                            + " does not exist; create it, or ask Failback to (createStagingSchema(true),"
                            + " --stagingCreateSchema)"));
                }
            }
        }
    }

    @Override
    List<String> createTables(String mutations, String versions, String deadLetters) {
        return List.of("CREATE TABLE IF NOT EXISTS " + mutations + " ("
                        + "grp VARBINARY(255) NOT NULL, wall BIGINT NOT NULL, logical BIGINT NOT NULL,"
                        + " tbl VARBINARY(255) NOT NULL, key_hash BINARY(32) NOT NULL,"
                        + " tschema VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " `key` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " after LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                        + " `before` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,"
                        + " staged_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (grp, wall, logical, tbl, key_hash)) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS " + versions + " ("
                        + "grp VARBINARY(255) NOT NULL, tbl VARBINARY(255) NOT NULL, key_hash BINARY(32) NOT NULL,"
                        + " ver DECIMAL(30,0) NOT NULL, PRIMARY KEY (grp, tbl, key_hash), KEY (grp, ver)) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS " + deadLetters + " ("
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

    @Override
    void bindGroup(PreparedStatement ps, int index, String group) throws SQLException {
        ps.setBytes(index, utf8(group));
    }

    @Override
    void bindTable(PreparedStatement ps, int index, String table) throws SQLException {
        ps.setBytes(index, utf8(table));
    }

    @Override
    void bindKeyOrder(PreparedStatement ps, int index, String key) throws SQLException {
        ps.setBytes(index, hash(key));
    }

    @Override
    String readTable(ResultSet rs, int index) throws SQLException {
        return new String(rs.getBytes(index), StandardCharsets.UTF_8);
    }

    @Override
    String keyOrder() {
        return "key_hash";
    }

    @Override
    String readColumns() {
        return "tschema, tbl, wall, logical, `key`, after, `before`";
    }

    @Override
    int insert(Connection c, String mutations, String group, List<Mutation> batch) throws SQLException {
        byte[] grp = utf8(group);
        int inserted = 0;
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
                    ps.setBytes(p++, utf8(m.table().name()));
                    ps.setBytes(p++, hash(m.key()));
                    ps.setString(p++, m.table().schema());
                    ps.setString(p++, m.key());
                    ps.setString(p++, m.after());
                    ps.setString(p++, m.before());
                }
                inserted += ps.executeUpdate();
            }
        }
        return inserted;
    }

    @Override
    void deadLetter(Connection c, String deadLetters, String group, Mutation m, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + deadLetters
                + " (grp, tbl, `key`, key_hash, wall, logical, after, `before`, reason)"
                + " VALUES (?, ?, ?, UNHEX(SHA2(?, 256)), ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, utf8(group));
            ps.setString(2, m.table().schema() + "." + m.table().name());
            ps.setString(3, m.key());
            ps.setString(4, m.key());
            ps.setLong(5, m.updated().wall());
            ps.setLong(6, m.updated().logical());
            ps.setString(7, m.after());
            ps.setString(8, m.before());
            ps.setString(9, reason);
            ps.executeUpdate();
        }
    }

    @Override
    Map<RowKey, Hlc> appliedVersions(Connection c, String versions, String group, Collection<RowKey> keys)
            throws SQLException {
        Map<RowKey, Hlc> out = new HashMap<>();
        List<RowKey> all = new ArrayList<>(keys);
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
                ps.setBytes(p++, utf8(group));
                for (RowKey k : chunk) {
                    byte[] h = hash(k.key());
                    byHash.put(k.table().name() + "\u0000" + hex(h), k);
                    ps.setBytes(p++, utf8(k.table().name()));
                    ps.setBytes(p++, h);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RowKey k = byHash.get(readTable(rs, 1) + "\u0000" + hex(rs.getBytes(2)));
                        if (k != null) {
                            out.put(k, fromDecimal(rs.getBigDecimal(3)));
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    void recordVersions(Connection c, String versions, String group, Map<RowKey, Hlc> applied) throws SQLException {
        List<Map.Entry<RowKey, Hlc>> all = new ArrayList<>(applied.entrySet());
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
                    ps.setBytes(p++, utf8(group));
                    ps.setBytes(p++, utf8(e.getKey().table().name()));
                    ps.setBytes(p++, hash(e.getKey().key()));
                    ps.setBigDecimal(p++, toDecimal(e.getValue()));
                }
                ps.executeUpdate();
            }
        }
    }

    @Override
    void retireVersions(Connection c, String versions, String group, Hlc upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND ver <= ?")) {
            ps.setBytes(1, utf8(group));
            ps.setBigDecimal(2, toDecimal(upTo));
            ps.executeUpdate();
        }
    }

    @Override
    String family() {
        return "mysql";
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
            return MessageDigest.getInstance("SHA-256").digest(utf8(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }
}
