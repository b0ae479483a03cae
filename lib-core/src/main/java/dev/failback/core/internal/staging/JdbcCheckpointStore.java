package dev.failback.core.internal.staging;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Checkpoints over JDBC, on PostgreSQL or CockroachDB: one row per group with the newest resolved
 * timestamp received and the timestamp everything is applied up to. Both only move forward.
 * Thread-safe.
 */
public final class JdbcCheckpointStore implements CheckpointStore {
    private final DataSource dataSource;
    private final String schema;
    private final boolean createSchema;
    private final String table;

    /**
     * Creates a store.
     *
     * @param dataSource   the staging database
     * @param schema       the staging schema
     * @param createSchema whether to create the schema when missing
     */
    public JdbcCheckpointStore(DataSource dataSource, String schema, boolean createSchema) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createSchema = createSchema;
        this.table = StagingSql.POSTGRES.table(schema, "checkpoints");
    }

    @Override
    public void init() throws SQLException {
        StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            StagingSql.POSTGRES.ensureSchema(c, schema, createSchema);
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "grp TEXT NOT NULL PRIMARY KEY,"
                    + " resolved_wall INT8 NOT NULL, resolved_logical INT8 NOT NULL,"
                    + " applied_wall INT8 NOT NULL, applied_logical INT8 NOT NULL,"
                    + " first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " resolved_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " applied_at TIMESTAMPTZ NULL)");
        }
    }

    @Override
    public Map<String, Checkpoint> loadAll() throws SQLException {
        Map<String, Checkpoint> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT grp, resolved_wall, resolved_logical,"
                        + " applied_wall, applied_logical FROM " + table + " ORDER BY grp");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), read(rs, 2));
            }
        }
        return out;
    }

    @Override
    public Checkpoint load(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT resolved_wall, resolved_logical,"
                        + " applied_wall, applied_logical FROM " + table + " WHERE grp = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs, 1) : Checkpoint.NONE;
            }
        }
    }

    @Override
    public boolean advanceResolved(String group, Hlc resolved) throws SQLException {
        String sql = "INSERT INTO " + table + " AS c (grp, resolved_wall, resolved_logical, applied_wall, applied_logical)"
                + " VALUES (?, ?, ?, 0, 0)"
                + " ON CONFLICT (grp) DO UPDATE SET resolved_wall = excluded.resolved_wall,"
                + " resolved_logical = excluded.resolved_logical, resolved_at = now()"
                + " WHERE (c.resolved_wall, c.resolved_logical) < (excluded.resolved_wall, excluded.resolved_logical)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            ps.setLong(2, resolved.wall());
            ps.setLong(3, resolved.logical());
            return ps.executeUpdate() > 0;
        }
    }

    @Override
    public void markApplied(String group, Hlc applied) throws SQLException {
        String sql = "INSERT INTO " + table + " AS c (grp, resolved_wall, resolved_logical, applied_wall, applied_logical, applied_at)"
                + " VALUES (?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (grp) DO UPDATE SET applied_wall = excluded.applied_wall,"
                + " applied_logical = excluded.applied_logical, applied_at = now()"
                + " WHERE (c.applied_wall, c.applied_logical) < (excluded.applied_wall, excluded.applied_logical)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            ps.setLong(2, applied.wall());
            ps.setLong(3, applied.logical());
            ps.setLong(4, applied.wall());
            ps.setLong(5, applied.logical());
            ps.executeUpdate();
        }
    }

    private static Checkpoint read(ResultSet rs, int at) throws SQLException {
        return new Checkpoint(new Hlc(rs.getLong(at), (int) rs.getLong(at + 1)),
                new Hlc(rs.getLong(at + 2), (int) rs.getLong(at + 3)));
    }

    @Override
    public String toString() {
        return "JdbcCheckpointStore[" + schema + "]";
    }
}
