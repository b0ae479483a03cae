package dev.failback.core.internal.staging;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Checkpoints on MySQL or MariaDB: one row per group; the resolved and applied timestamps are stored
 * as DECIMAL ({@code wall * 10^10 + logical}) so that {@code GREATEST} ratchets them in one statement.
 * Thread-safe.
 */
public final class MySqlCheckpointStore implements CheckpointStore {
    private final DataSource dataSource;
    private final String schema;
    private final boolean createSchema;
    private final String table;

    /**
     * Creates a store.
     *
     * @param dataSource   the staging database
     * @param schema       the staging database name
     * @param createSchema whether to create it when missing
     */
    public MySqlCheckpointStore(DataSource dataSource, String schema, boolean createSchema) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createSchema = createSchema;
        this.table = StagingSql.MYSQL.table(schema, "checkpoints");
    }

    @Override
    public void init() throws SQLException {
        StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            StagingSql.MYSQL.ensureSchema(c, schema, createSchema);
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "grp VARBINARY(255) NOT NULL PRIMARY KEY, resolved DECIMAL(30,0) NOT NULL,"
                    + " applied DECIMAL(30,0) NOT NULL,"
                    + " first_seen TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " resolved_at TIMESTAMP(6) NULL, applied_at TIMESTAMP(6) NULL) ENGINE=InnoDB");
        }
    }

    @Override
    public Map<String, Checkpoint> loadAll() throws SQLException {
        Map<String, Checkpoint> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT grp, resolved, applied FROM " + table + " ORDER BY grp");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(new String(rs.getBytes(1), StandardCharsets.UTF_8), new Checkpoint(
                        MySqlStagingSql.fromDecimal(rs.getBigDecimal(2)), MySqlStagingSql.fromDecimal(rs.getBigDecimal(3))));
            }
        }
        return out;
    }

    @Override
    public Checkpoint load(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT resolved, applied FROM " + table + " WHERE grp = ?")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Checkpoint(MySqlStagingSql.fromDecimal(rs.getBigDecimal(1)),
                        MySqlStagingSql.fromDecimal(rs.getBigDecimal(2))) : Checkpoint.NONE;
            }
        }
    }

    @Override
    public boolean advanceResolved(String group, Hlc resolved) throws SQLException {
        // Affected rows: 1 inserted, 2 updated, 0 (or 1 with CLIENT_FOUND_ROWS) unchanged; compare instead.
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inTransaction(c, () -> {
                Hlc before = null;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT resolved FROM " + table + " WHERE grp = ? FOR UPDATE")) {
                    ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            before = MySqlStagingSql.fromDecimal(rs.getBigDecimal(1));
                        }
                    }
                }
                boolean advanced = before == null || resolved.isAfter(before);
                if (advanced) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                            + " (grp, resolved, applied, resolved_at) VALUES (?, ?, 0, CURRENT_TIMESTAMP(6))"
                            + " ON DUPLICATE KEY UPDATE resolved = GREATEST(resolved, VALUES(resolved)),"
                            + " resolved_at = CURRENT_TIMESTAMP(6)")) {
                        ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
                        ps.setBigDecimal(2, MySqlStagingSql.toDecimal(resolved));
                        ps.executeUpdate();
                    }
                }
                return advanced;
            });
        }
    }

    @Override
    public void markApplied(String group, Hlc applied) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (grp, resolved, applied, applied_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(6))"
                        + " ON DUPLICATE KEY UPDATE applied = GREATEST(applied, VALUES(applied)),"
                        + " applied_at = CURRENT_TIMESTAMP(6)")) {
            ps.setBytes(1, group.getBytes(StandardCharsets.UTF_8));
            ps.setBigDecimal(2, MySqlStagingSql.toDecimal(applied));
            ps.setBigDecimal(3, MySqlStagingSql.toDecimal(applied));
            ps.executeUpdate();
        }
    }

    @Override
    public String toString() {
        return "MySqlCheckpointStore[" + schema + "]";
    }
}
