package dev.failback.core.internal.staging;

import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.StagingStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging over JDBC, on PostgreSQL or CockroachDB. One table holds every group's mutations, keyed by
 * (group, updated, table, key), so a batch re-sent by the changefeed is staged once. Thread-safe.
 */
public final class JdbcStagingStore implements StagingStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStagingStore.class);
    /** Rows per INSERT statement when staging a large batch (all in one transaction). */
    private static final int STAGE_CHUNK = 5_000;

    private final DataSource dataSource;
    private final String schema;
    private final boolean createSchema;
    private final String mutations;
    private final String versions;
    private final String deadLetters;

    /**
     * Creates a store.
     *
     * @param dataSource   the staging database
     * @param schema       the staging schema ({@code schema} or {@code database.schema})
     * @param createSchema whether to create the schema when missing
     */
    public JdbcStagingStore(DataSource dataSource, String schema, boolean createSchema) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createSchema = createSchema;
        String q = StagingSql.quoteSchema(schema);
        this.mutations = q + ".mutations";
        this.versions = q + ".versions";
        this.deadLetters = q + ".dead_letters";
    }

    @Override
    public void init() throws SQLException {
        StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.toLowerCase(Locale.ROOT).contains("postgres")
                    && !product.toLowerCase(Locale.ROOT).contains("cockroach")) {
                throw new FailbackConfigurationException(List.of("staging on " + product
                        + " is not supported yet; stage in PostgreSQL or CockroachDB"));
            }
            ensureSchema(c, schema, createSchema);
            s.execute("CREATE TABLE IF NOT EXISTS " + mutations + " ("
                    + "grp TEXT NOT NULL, wall INT8 NOT NULL, logical INT8 NOT NULL, tbl TEXT NOT NULL,"
                    + " key TEXT NOT NULL, tschema TEXT NOT NULL, after TEXT NULL, before TEXT NULL,"
                    + " staged_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (grp, wall, logical, tbl, key))");
            s.execute("CREATE TABLE IF NOT EXISTS " + versions + " ("
                    + "grp TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, wall INT8 NOT NULL,"
                    + " logical INT8 NOT NULL, PRIMARY KEY (grp, tbl, key))");
            s.execute("CREATE TABLE IF NOT EXISTS " + deadLetters + " ("
                    + "grp TEXT NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, wall INT8 NOT NULL,"
                    + " logical INT8 NOT NULL, after TEXT NULL, before TEXT NULL, reason TEXT NOT NULL,"
                    + " failed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (grp, tbl, key, wall, logical))");
        }
    }

    @Override
    public void deadLetter(String group, Mutation m, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO "
                + deadLetters + " (grp, tbl, key, wall, logical, after, before, reason)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, group);
            ps.setString(2, m.table().schema() + "." + m.table().name());
            ps.setString(3, m.key());
            ps.setLong(4, m.updated().wall());
            ps.setLong(5, m.updated().logical());
            ps.setString(6, m.after());
            ps.setString(7, m.before());
            ps.setString(8, reason);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /**
     * Checks that a schema exists, creating it when asked.
     *
     * @param c      a connection
     * @param schema the schema ({@code schema} or {@code database.schema})
     * @param create whether to create it
     * @throws SQLException when the database is unreachable
     */
    static void ensureSchema(Connection c, String schema, boolean create) throws SQLException {
        String[] parts = schema.split("\\.");
        String own = parts[parts.length - 1];
        if (create) {
            try (Statement s = c.createStatement()) {
                if (parts.length == 2) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + StagingSql.quoteSchema(parts[0]));
                }
                s.execute("CREATE SCHEMA IF NOT EXISTS " + StagingSql.quoteSchema(schema));
            }
            return;
        }
        String sql = parts.length == 2
                ? "SELECT 1 FROM " + StagingSql.quoteSchema(parts[0]) + ".information_schema.schemata WHERE schema_name = ?"
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
    public int stage(String group, List<Mutation> batch) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        String sql = "INSERT INTO " + mutations + " (grp, tschema, tbl, wall, logical, key, after, before)"
                + " SELECT ?::TEXT, unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::INT8[]), unnest(?::INT8[]),"
                + " unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[])"
                + " ON CONFLICT DO NOTHING";
        int inserted = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
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
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                restoreAutoCommit(c, auto);
            }
        }
        return inserted;
    }

    @Override
    public List<Mutation> read(String group, Hlc from, Hlc to, Mutation after, int limit) throws SQLException {
        String sql = "SELECT tschema, tbl, wall, logical, key, after, before FROM " + mutations
                + " WHERE grp = ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)"
                + (after == null ? "" : " AND (wall, logical, tbl, key) > (?, ?, ?, ?)")
                + " ORDER BY wall, logical, tbl, key LIMIT ?";
        List<Mutation> out = new ArrayList<>(Math.min(limit, 10_000));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, group);
            ps.setLong(i++, from.wall());
            ps.setLong(i++, from.logical());
            ps.setLong(i++, to.wall());
            ps.setLong(i++, to.logical());
            if (after != null) {
                ps.setLong(i++, after.updated().wall());
                ps.setLong(i++, after.updated().logical());
                ps.setString(i++, after.table().name());
                ps.setString(i++, after.key());
            }
            ps.setInt(i, limit);
            ps.setFetchSize(Math.min(limit, 10_000));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Mutation(new TableName(rs.getString(1), rs.getString(2)), rs.getString(5),
                            new Hlc(rs.getLong(3), (int) rs.getLong(4)), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    @Override
    public long retire(String group, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + mutations + " WHERE grp = ? AND (wall, logical) <= (?, ?)")) {
            ps.setString(1, group);
            ps.setLong(2, upTo.wall());
            ps.setLong(3, upTo.logical());
            return ps.executeUpdate();
        }
    }

    /**
     * Deletes the rows applied since the previous retire. The plain {@code wall} bounds beside the
     * row comparisons give the planner a closed range on the primary key, so that even its generic
     * plan for this prepared statement is an index range scan rather than a scan of every staged row.
     */
    @Override
    public long retire(String group, Hlc after, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + mutations + " WHERE grp = ?"
                        + " AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)")) {
            ps.setString(1, group);
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
            ps.setString(1, group);
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
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public Map<RowKey, Hlc> appliedVersions(String group, Collection<RowKey> keys) throws SQLException {
        Map<RowKey, Hlc> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
    public void recordVersions(String group, Map<RowKey, Hlc> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            ps.setArray(2, c.createArrayOf("text", tbl));
            ps.setArray(3, c.createArrayOf("text", key));
            ps.setArray(4, c.createArrayOf("int8", wall));
            ps.setArray(5, c.createArrayOf("int8", logical));
            ps.executeUpdate();
        }
    }

    @Override
    public boolean holdsVersions(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + versions + " WHERE grp = ? LIMIT 1")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void retireVersions(String group, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + versions + " WHERE grp = ? AND (wall, logical) <= (?, ?)")) {
            ps.setString(1, group);
            ps.setLong(2, upTo.wall());
            ps.setLong(3, upTo.logical());
            ps.executeUpdate();
        }
    }

    @Override
    public String toString() {
        return "JdbcStagingStore[" + schema + "]";
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    static void restoreAutoCommit(Connection c, boolean auto) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit", e);
        }
    }
}
