package dev.failback.core.internal.stage;

import dev.failback.core.internal.Transactions;
import dev.failback.spi.LeaseStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * Leases in the staging database, one row per group: holder, epoch and expiry. An acquisition reads the
 * row, then grants itself with a compare-and-set {@code UPDATE} on the (holder, epoch) it read, decided on
 * the database's clock, so two processes never both win, their clocks need not agree, and no lock is held
 * between statements (a paused process blocks nobody). Runs on
 * PostgreSQL and CockroachDB ({@link #postgres}) and on MySQL and MariaDB ({@link #mysql}).
 * Thread-safe.
 */
public final class JdbcLeaseStore extends SqlStore implements LeaseStore {
    /** The lease SQL that differs between the two families. */
    private record Statements(String create, String ensure, String select, String grant, String release,
            String own, String owners) {
    }

    private final Statements statements;
    private final String table;

    private JdbcLeaseStore(DataSource dataSource, String schema, boolean createSchema, StagingSql sql, String table,
            Statements statements) {
        super(dataSource, schema, createSchema, sql);
        this.table = table;
        this.statements = statements;
    }

    /**
     * Leases on PostgreSQL or CockroachDB.
     *
     * @param dataSource   the staging database
     * @param schema       the staging schema ({@code schema} or {@code database.schema})
     * @param createSchema whether to create the schema when missing
     * @return the store, not yet initialized
     */
    public static JdbcLeaseStore postgres(DataSource dataSource, String schema, boolean createSchema) {
        String t = StagingSql.POSTGRES.table(schema, "group_leases");
        return new JdbcLeaseStore(dataSource, schema, createSchema, StagingSql.POSTGRES, t, new Statements(
                "CREATE TABLE IF NOT EXISTS " + t + " (grp TEXT NOT NULL PRIMARY KEY, holder TEXT NOT NULL,"
                        + " owner TEXT NULL, incarnation TEXT NULL, epoch INT8 NOT NULL, expires TIMESTAMPTZ NOT NULL, changed_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                "INSERT INTO " + t + " (grp, holder, epoch, expires, incarnation) VALUES (?, '', 0, now(), ?)"
                        + " ON CONFLICT (grp) DO NOTHING",
                "SELECT holder, epoch, expires <= now() FROM " + t + " WHERE grp = ?",
                "UPDATE " + t + " SET holder = ?, epoch = ?, expires = now() + ?::INT8 * INTERVAL '1 millisecond',"
                        + " changed_at = now() WHERE grp = ? AND holder = ? AND epoch = ? AND (? = 1 OR expires <= now())",
                "UPDATE " + t + " SET expires = now() - INTERVAL '1 millisecond', changed_at = now()"
                        + " WHERE grp = ? AND holder = ? AND epoch = ?",
                "INSERT INTO " + t + " AS l (grp, holder, owner, epoch, expires, incarnation) VALUES (?, '', ?, 0, now(), ?)"
                        + " ON CONFLICT (grp) DO UPDATE SET owner = excluded.owner WHERE l.owner IS NULL",
                "SELECT grp, owner FROM " + t + " WHERE owner IS NOT NULL"));
    }

    /**
     * Leases on MySQL or MariaDB.
     *
     * @param dataSource   the staging database
     * @param schema       the staging database name
     * @param createSchema whether to create it when missing
     * @return the store, not yet initialized
     */
    public static JdbcLeaseStore mysql(DataSource dataSource, String schema, boolean createSchema) {
        String t = StagingSql.MYSQL.table(schema, "group_leases");
        return new JdbcLeaseStore(dataSource, schema, createSchema, StagingSql.MYSQL, t, new Statements(
                "CREATE TABLE IF NOT EXISTS " + t + " (grp VARBINARY(255) NOT NULL PRIMARY KEY,"
                        + " holder VARCHAR(255) NOT NULL, owner VARCHAR(1024) NULL, incarnation VARCHAR(64) NULL, epoch BIGINT NOT NULL, expires DATETIME(6) NOT NULL,"
                        + " changed_at DATETIME(6) NOT NULL) ENGINE=InnoDB",
                "INSERT IGNORE INTO " + t + " (grp, holder, epoch, expires, changed_at, incarnation)"
                        + " VALUES (?, '', 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?)",
                "SELECT holder, epoch, expires <= UTC_TIMESTAMP(6) FROM " + t + " WHERE grp = ?",
                "UPDATE " + t + " SET holder = ?, epoch = ?, expires = UTC_TIMESTAMP(6) + INTERVAL ? * 1000 MICROSECOND,"
                        + " changed_at = UTC_TIMESTAMP(6) WHERE grp = ? AND holder = ? AND epoch = ?"
                        + " AND (? = 1 OR expires <= UTC_TIMESTAMP(6))",
                "UPDATE " + t + " SET expires = UTC_TIMESTAMP(6) - INTERVAL 1 MICROSECOND, changed_at = UTC_TIMESTAMP(6)"
                        + " WHERE grp = ? AND holder = ? AND epoch = ?",
                "INSERT INTO " + t + " (grp, holder, owner, epoch, expires, changed_at, incarnation)"
                        + " VALUES (?, '', ?, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?)"
                        + " ON DUPLICATE KEY UPDATE owner = COALESCE(owner, VALUES(owner))",
                "SELECT grp, owner FROM " + t + " WHERE owner IS NOT NULL"));
    }

    @Override
    List<String> createTables() {
        return List.of(statements.create());
    }

    @Override
    public Lease acquire(String group, String holder, long epoch, long minEpoch, Duration ttl) throws SQLException {
        // Every statement autocommits: no lock is ever held between two statements, so a process paused
        // mid-acquisition (SIGSTOP, a GC pause) blocks nobody. The grant is a compare-and-set on the
        // (holder, epoch) read, decided on the database's clock.
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            try {
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement(statements.ensure())) {
                    sql.bindName(ps, 1, group);
                    ps.setString(2, java.util.UUID.randomUUID().toString());
                    ps.executeUpdate();
                }
                Lease read = read(c, group);
                for (int attempt = 1;; attempt++) {
                    if (read == null) {
                        return new Lease(group, "", 0, true);
                    }
                    boolean renewal = epoch > 0 && read.holder().equals(holder) && read.epoch() == epoch;
                    if (!renewal && !read.expired()) {
                        return read;
                    }
                    long granted = renewal ? epoch : Math.max(read.epoch() + 1, minEpoch);
                    try (PreparedStatement ps = c.prepareStatement(statements.grant())) {
                        ps.setString(1, holder);
                        ps.setLong(2, granted);
                        ps.setLong(3, ttl.toMillis());
                        sql.bindName(ps, 4, group);
                        ps.setString(5, read.holder());
                        ps.setLong(6, read.epoch());
                        ps.setInt(7, renewal ? 1 : 0);
                        if (ps.executeUpdate() > 0) {
                            return new Lease(group, holder, granted, false, true);
                        }
                    }
                    // another instance was quicker: see what it left (its lease may already have expired)
                    read = read(c, group);
                    if (attempt >= 5) {
                        return read == null ? new Lease(group, "", 0, true) : read;
                    }
                }
            } finally {
                Transactions.restoreAutoCommit(c, auto);
            }
        }
    }

    private Lease read(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statements.select())) {
            sql.bindName(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Lease(group, rs.getString(1), rs.getLong(2), rs.getBoolean(3)) : null;
            }
        }
    }


    @Override
    public String own(String group, String owner) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(statements.own())) {
                sql.bindName(ps, 1, group);
                ps.setString(2, owner);
                ps.setString(3, java.util.UUID.randomUUID().toString());
                ps.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM " + table + " WHERE grp = ?")) {
                sql.bindName(ps, 1, group);
                try (ResultSet rs = ps.executeQuery()) {
                    String first = rs.next() ? rs.getString(1) : null;
                    return first == null ? owner : first;
                }
            }
        }
    }

    @Override
    public String incarnation(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT incarnation FROM " + table + " WHERE grp = ?")) {
            sql.bindName(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                String v = rs.next() ? rs.getString(1) : null;
                return v == null ? "" : v;
            }
        }
    }

    @Override
    public java.util.Map<String, String> owners() throws SQLException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statements.owners());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(sql.readName(rs, 1),
                        rs.getString(2));
            }
        }
        return out;
    }

    @Override
    public void release(String group, String holder, long epoch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statements.release())) {
            sql.bindName(ps, 1, group);
            ps.setString(2, holder);
            ps.setLong(3, epoch);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
