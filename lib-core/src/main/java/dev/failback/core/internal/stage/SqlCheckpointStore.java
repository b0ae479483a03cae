package dev.failback.core.internal.stage;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Checkpoints over JDBC: one row per group with the newest resolved timestamp received and the
 * timestamp everything is applied up to. Both only move forward. On MySQL and MariaDB the versions are
 * DECIMALs ({@code wall * 10^10 + logical}) so that {@code GREATEST} ratchets them in one statement.
 * Thread-safe.
 */
public final class SqlCheckpointStore extends SqlStore implements CheckpointStore {
    private final String table;

    /**
     * Creates a store; {@link StagingStores} picks the family.
     *
     * @param dataSource   the staging database
     * @param schema       the staging schema ({@code schema} or {@code database.schema}; a database on MySQL)
     * @param createSchema whether to create the schema when missing
     * @param sql          the family's SQL
     */
    SqlCheckpointStore(DataSource dataSource, String schema, boolean createSchema, StagingSql sql) {
        super(dataSource, schema, createSchema, sql);
        this.table = sql.table(schema, "checkpoints");
    }

    @Override
    List<String> createTables() {
        return List.of(sql.createCheckpoints(table));
    }

    @Override
    public Map<String, Checkpoint> loadAll() throws SQLException {
        Map<String, Checkpoint> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT grp, " + sql.checkpointColumns() + " FROM " + table
                        + " ORDER BY grp");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(sql.readName(rs, 1), read(rs, 2));
            }
        }
        return out;
    }

    @Override
    public Checkpoint load(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, "SELECT " + sql.checkpointColumns() + " FROM " + table
                        + " WHERE grp = ?", group);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? read(rs, 1) : Checkpoint.NONE;
        }
    }

    @Override
    public boolean advanceResolved(String group, Hlc resolved) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return sql.advanceResolved(c, table, group, resolved);
        }
    }

    @Override
    public void markApplied(String group, Hlc applied) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, sql.markAppliedSql(table), group)) {
            sql.bindVersion(ps, sql.bindVersion(ps, 2, applied), applied);
            ps.executeUpdate();
        }
    }

    private Checkpoint read(ResultSet rs, int at) throws SQLException {
        return new Checkpoint(sql.readVersion(rs, at), sql.readVersion(rs, at + sql.versionColumns()));
    }
}
