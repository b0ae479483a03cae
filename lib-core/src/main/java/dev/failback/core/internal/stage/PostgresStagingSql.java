package dev.failback.core.internal.stage;

import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Staging SQL for PostgreSQL and CockroachDB. It stays inside what both accept: {@code CREATE ... IF
 * NOT EXISTS}, {@code INSERT ... ON CONFLICT}, single-argument {@code unnest} calls side by side in a
 * select list (zipped row by row by both, the form MOLT Replicator stages with on CockroachDB),
 * row-value comparisons. Rows are keyed by their primary-key text.
 */
final class PostgresStagingSql extends StagingSql {
    /** Rows per INSERT statement when staging a large batch (all in one transaction). */
    private static final int STAGE_CHUNK = 5_000;

    PostgresStagingSql() {
        super(false, "postgresql", "tschema, tbl, wall, logical, key, after, before",
                "resolved_wall, resolved_logical, applied_wall, applied_logical", 2);
    }

    /**
     * Quotes a possibly two-part schema name ({@code schema} or {@code database.schema}).
     *
     * @param schema the name
     * @return the quoted name
     */
    static String quoteSchema(String schema) {
        StringBuilder sb = new StringBuilder();
        for (String part : schema.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    @Override
    String table(String schema, String table) {
        return quoteSchema(schema) + "." + table;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The schema is {@code schema} or {@code database.schema}.
     */
    @Override
    void ensureSchema(Connection c, String schema, boolean create) throws SQLException {
        String[] parts = schema.split("\\.");
        String own = parts[parts.length - 1];
        if (create) {
            try (Statement s = c.createStatement()) {
                if (parts.length == 2) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + quoteSchema(parts[0]));
                }
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quoteSchema(schema));
            }
            return;
        }
        String sql = parts.length == 2
                ? "SELECT 1 FROM " + quoteSchema(parts[0]) + ".information_schema.schemata WHERE schema_name = ?"
                : "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, own);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new FailbackConfigurationException(List.of("staging schema " + schema
                            + " does not exist; create it, or ask Failback to (createStagingSchema(true),"
                            + " --stagingCreateSchema)"));
                }
            }
        }
    }

    @Override
    void checkProduct(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if (!product.toLowerCase(Locale.ROOT).contains("postgres")
                && !product.toLowerCase(Locale.ROOT).contains("cockroach")) {
            throw new FailbackConfigurationException(List.of("staging on " + product
                    + " is not supported yet; stage in PostgreSQL or CockroachDB"));
        }
    }

    @Override
    List<String> createTables(String mutations, String versions, String deadLetters) {
        return List.of("CREATE TABLE IF NOT EXISTS " + mutations + " ("
                        + "grp TEXT NOT NULL, wall INT8 NOT NULL, logical INT8 NOT NULL, tbl TEXT NOT NULL,"
                        + " key TEXT NOT NULL, tschema TEXT NOT NULL, after TEXT NULL, before TEXT NULL,"
                        + " staged_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (grp, wall, logical, tbl, key))",
                "CREATE TABLE IF NOT EXISTS " + versions + " ("
                        + "grp TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, wall INT8 NOT NULL,"
                        + " logical INT8 NOT NULL, PRIMARY KEY (grp, tbl, key))",
                "CREATE TABLE IF NOT EXISTS " + deadLetters + " ("
                        + "grp TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, wall INT8 NOT NULL,"
                        + " logical INT8 NOT NULL, after TEXT NULL, before TEXT NULL, reason TEXT NOT NULL,"
                        + " failed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (grp, tbl, key, wall, logical))");
    }

    @Override
    void tuneRead(PreparedStatement ps, int limit) throws SQLException {
        ps.setFetchSize(Math.min(limit, 10_000));
    }

    @Override
    int insert(Connection c, String mutations, String group, List<Mutation> batch) throws SQLException {
        String sql = "INSERT INTO " + mutations + " (grp, tschema, tbl, wall, logical, key, after, before)"
                + " SELECT ?::TEXT, unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::INT8[]), unnest(?::INT8[]),"
                + " unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[])"
                + " ON CONFLICT DO NOTHING";
        int inserted = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < batch.size(); from += STAGE_CHUNK) {
                List<Mutation> chunk = batch.subList(from, Math.min(batch.size(), from + STAGE_CHUNK));
                int n = chunk.size();
                String[] tschema = new String[n];
                String[] tbl = new String[n];
                Long[] wall = new Long[n];
                Long[] logical = new Long[n];
                String[] key = new String[n];
                String[] after = new String[n];
                String[] before = new String[n];
                for (int i = 0; i < n; i++) {
                    Mutation m = chunk.get(i);
                    tschema[i] = m.table().schema();
                    tbl[i] = m.table().name();
                    wall[i] = m.updated().wall();
                    logical[i] = (long) m.updated().logical();
                    key[i] = m.key();
                    after[i] = m.after();
                    before[i] = m.before();
                }
                ps.setString(1, group);
                ps.setArray(2, c.createArrayOf("text", tschema));
                ps.setArray(3, c.createArrayOf("text", tbl));
                ps.setArray(4, c.createArrayOf("int8", wall));
                ps.setArray(5, c.createArrayOf("int8", logical));
                ps.setArray(6, c.createArrayOf("text", key));
                ps.setArray(7, c.createArrayOf("text", after));
                ps.setArray(8, c.createArrayOf("text", before));
                inserted += ps.executeUpdate();
            }
        }
        return inserted;
    }

    @Override
    String deadLetterSql(String deadLetters) {
        return "INSERT INTO " + deadLetters + " (grp, tbl, key, wall, logical, after, before, reason)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    }

    @Override
    Map<RowKey, Hlc> appliedVersions(Connection c, String versions, String group, Collection<RowKey> keys)
            throws SQLException {
        Map<RowKey, Hlc> out = new HashMap<>();
        String[] tbl = new String[keys.size()];
        String[] key = new String[keys.size()];
        Map<String, TableName> tables = new HashMap<>();
        int i = 0;
        for (RowKey k : keys) {
            tbl[i] = k.table().name();
            key[i++] = k.key();
            tables.put(k.table().name(), k.table());
        }
        String sql = "SELECT v.tbl, v.key, v.wall, v.logical FROM " + versions + " v"
                + " JOIN (SELECT unnest(?::TEXT[]) AS tbl, unnest(?::TEXT[]) AS key) AS k ON v.tbl = k.tbl AND v.key = k.key"
                + " WHERE v.grp = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", tbl));
            ps.setArray(2, c.createArrayOf("text", key));
            ps.setString(3, group);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new RowKey(tables.get(rs.getString(1)), rs.getString(2)),
                            new Hlc(rs.getLong(3), (int) rs.getLong(4)));
                }
            }
        }
        return out;
    }

    @Override
    void recordVersions(Connection c, String versions, String group, Map<RowKey, Hlc> applied) throws SQLException {
        int n = applied.size();
        String[] tbl = new String[n];
        String[] key = new String[n];
        Long[] wall = new Long[n];
        Long[] logical = new Long[n];
        int i = 0;
        for (Map.Entry<RowKey, Hlc> e : applied.entrySet()) {
            tbl[i] = e.getKey().table().name();
            key[i] = e.getKey().key();
            wall[i] = e.getValue().wall();
            logical[i++] = (long) e.getValue().logical();
        }
        String sql = "INSERT INTO " + versions + " AS v (grp, tbl, key, wall, logical)"
                + " SELECT ?::TEXT, t.tbl, t.key, t.wall, t.logical FROM (SELECT unnest(?::TEXT[]) AS tbl,"
                + " unnest(?::TEXT[]) AS key, unnest(?::INT8[]) AS wall, unnest(?::INT8[]) AS logical) AS t"
                + " ON CONFLICT (grp, tbl, key) DO UPDATE SET wall = excluded.wall, logical = excluded.logical"
                + " WHERE (v.wall, v.logical) < (excluded.wall, excluded.logical)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            ps.setArray(2, c.createArrayOf("text", tbl));
            ps.setArray(3, c.createArrayOf("text", key));
            ps.setArray(4, c.createArrayOf("int8", wall));
            ps.setArray(5, c.createArrayOf("int8", logical));
            ps.executeUpdate();
        }
    }

    @Override
    void retireVersions(Connection c, String versions, String group, Hlc upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + versions + " WHERE grp = ? AND (wall, logical) <= (?, ?)")) {
            ps.setString(1, group);
            ps.setLong(2, upTo.wall());
            ps.setLong(3, upTo.logical());
            ps.executeUpdate();
        }
    }

    @Override
    String createCheckpoints(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "grp TEXT NOT NULL PRIMARY KEY,"
                + " resolved_wall INT8 NOT NULL, resolved_logical INT8 NOT NULL,"
                + " applied_wall INT8 NOT NULL, applied_logical INT8 NOT NULL,"
                + " first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),"
                + " resolved_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                + " applied_at TIMESTAMPTZ NULL)";
    }

    @Override
    int bindVersion(PreparedStatement ps, int index, Hlc version) throws SQLException {
        ps.setLong(index, version.wall());
        ps.setLong(index + 1, version.logical());
        return index + 2;
    }

    @Override
    Hlc readVersion(ResultSet rs, int column) throws SQLException {
        return new Hlc(rs.getLong(column), (int) rs.getLong(column + 1));
    }

    @Override
    String markAppliedSql(String table) {
        return "INSERT INTO " + table + " AS c (grp, resolved_wall, resolved_logical, applied_wall, applied_logical, applied_at)"
                + " VALUES (?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (grp) DO UPDATE SET applied_wall = excluded.applied_wall,"
                + " applied_logical = excluded.applied_logical, applied_at = now()"
                + " WHERE (c.applied_wall, c.applied_logical) < (excluded.applied_wall, excluded.applied_logical)";
    }

    @Override
    boolean advanceResolved(Connection c, String table, String group, Hlc resolved) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " AS c (grp, resolved_wall, resolved_logical, applied_wall, applied_logical)"
                + " VALUES (?, ?, ?, 0, 0)"
                + " ON CONFLICT (grp) DO UPDATE SET resolved_wall = excluded.resolved_wall,"
                + " resolved_logical = excluded.resolved_logical, resolved_at = now()"
                + " WHERE (c.resolved_wall, c.resolved_logical) < (excluded.resolved_wall, excluded.resolved_logical)")) {
            bindName(ps, 1, group);
            bindVersion(ps, 2, resolved);
            return ps.executeUpdate() > 0;
        }
    }

}
