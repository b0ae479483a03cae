package dev.failback.core.internal.stage;

import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.VersionStore.RowKey;
import java.math.BigDecimal;
import java.math.BigInteger;
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

    MySqlStagingSql() {
        super(true, "mysql", "tschema, tbl, wall, logical, `key`, after, `before`",
                "resolved, applied", 1);
    }

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
    int insert(Connection c, String mutations, String group, List<Mutation> batch) throws SQLException {
        byte[] grp = utf8(group);
        int inserted = 0;
        // one statement for every full chunk: the driver parses a prepared statement's text when it is prepared
        // (client-side), which cost about as much as binding a chunk's values
        PreparedStatement full = null;
        try {
            for (int from = 0; from < batch.size(); from += CHUNK) {
                List<Mutation> chunk = batch.subList(from, Math.min(batch.size(), from + CHUNK));
                if (chunk.size() == CHUNK) {
                    if (full == null) {
                        full = c.prepareStatement(insertSql(mutations, CHUNK));
                    }
                    inserted += insertChunk(full, grp, chunk);
                } else {
                    try (PreparedStatement partial = c.prepareStatement(insertSql(mutations, chunk.size()))) {
                        inserted += insertChunk(partial, grp, chunk);
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
        return inserted;
    }

    private static String insertSql(String mutations, int rows) {
        StringBuilder sql = new StringBuilder("INSERT IGNORE INTO ").append(mutations)
                .append(" (grp, wall, logical, tbl, key_hash, tschema, `key`, after, `before`) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
        }
        return sql.toString();
    }

    private static int insertChunk(PreparedStatement ps, byte[] grp, List<Mutation> chunk) throws SQLException {
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
        return ps.executeUpdate();
    }

    /** {@inheritDoc} The key's SHA-256 is the ninth parameter: the key again, hashed by the server. */
    @Override
    String deadLetterSql(String deadLetters) {
        return "INSERT IGNORE INTO " + deadLetters + " (grp, tbl, `key`, wall, logical, after, `before`, reason, key_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, UNHEX(SHA2(?, 256)))";
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
                        RowKey k = byHash.get(readName(rs, 1) + "\u0000" + hex(rs.getBytes(2)));
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
    String createCheckpoints(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "grp VARBINARY(255) NOT NULL PRIMARY KEY, resolved DECIMAL(30,0) NOT NULL,"
                + " applied DECIMAL(30,0) NOT NULL,"
                + " first_seen TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                + " resolved_at TIMESTAMP(6) NULL, applied_at TIMESTAMP(6) NULL) ENGINE=InnoDB";
    }

    @Override
    int bindVersion(PreparedStatement ps, int index, Hlc version) throws SQLException {
        ps.setBigDecimal(index, toDecimal(version));
        return index + 1;
    }

    @Override
    Hlc readVersion(ResultSet rs, int column) throws SQLException {
        return fromDecimal(rs.getBigDecimal(column));
    }

    @Override
    String markAppliedSql(String table) {
        return "INSERT INTO " + table + " (grp, resolved, applied, applied_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE applied = GREATEST(applied, VALUES(applied)),"
                + " applied_at = CURRENT_TIMESTAMP(6)";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Affected rows are 1 inserted, 2 updated, 0 (or 1 with CLIENT_FOUND_ROWS) unchanged, so the
     * version is compared under a row lock instead.
     */
    @Override
    boolean advanceResolved(Connection c, String table, String group, Hlc resolved) throws SQLException {
        return Transactions.inTransaction(c, () -> {
            Hlc before = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT resolved FROM " + table + " WHERE grp = ? FOR UPDATE")) {
                bindName(ps, 1, group);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = readVersion(rs, 1);
                    }
                }
            }
            boolean advanced = before == null || resolved.isAfter(before);
            if (advanced) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (grp, resolved, applied, resolved_at) VALUES (?, ?, 0, CURRENT_TIMESTAMP(6))"
                        + " ON DUPLICATE KEY UPDATE resolved = GREATEST(resolved, VALUES(resolved)),"
                        + " resolved_at = CURRENT_TIMESTAMP(6)")) {
                    bindName(ps, 1, group);
                    bindVersion(ps, 2, resolved);
                    ps.executeUpdate();
                }
            }
            return advanced;
        });
    }

    static BigDecimal toDecimal(Hlc h) {
        return new BigDecimal(BigInteger.valueOf(h.wall()).multiply(TEN_BILLION).add(BigInteger.valueOf(h.logical())));
    }

    static Hlc fromDecimal(BigDecimal d) {
        BigInteger[] qr = d.toBigIntegerExact().divideAndRemainder(TEN_BILLION);
        return new Hlc(qr[0].longValueExact(), qr[1].intValueExact());
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }
}
