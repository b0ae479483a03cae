package dev.failback.core.internal.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The lease fence's SQL that differs by database family: the DDL of {@code fences} and
 * {@code key_version_batches}, and bounding a claim's lock wait. Stateless.
 */
final class FenceTables {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TargetFence.class);

    private FenceTables() {
    }

    /** Creates the schema (PostgreSQL, MySQL) and the tables when missing. */
    static void create(DataSource target, TargetFence.Family family, String schema, String fences, String versions)
            throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            switch (family) {
                case POSTGRES -> {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + TargetFence.quote(schema, '"'));
                    s.execute("CREATE TABLE IF NOT EXISTS " + fences + " (grp TEXT NOT NULL PRIMARY KEY,"
                            + " epoch INT8 NOT NULL, applied_wall INT8 NOT NULL, applied_logical INT8 NOT NULL,"
                            + " holder TEXT NOT NULL, incarnation TEXT NULL)");
                    // Logged: a process that has read up to a sequence number relies on the rows after it being
                    // all there is (an unlogged table emptied by a server crash would break that).
                    s.execute("CREATE TABLE IF NOT EXISTS " + versions
                            + " (grp TEXT NOT NULL, seq INT8 NOT NULL, wall INT8 NOT NULL, logical INT8 NOT NULL,"
                            + " body BYTEA NULL, PRIMARY KEY (grp, seq))");
                }
                case MYSQL -> {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + TargetFence.quote(schema, '`'));
                    s.execute("CREATE TABLE IF NOT EXISTS " + fences + " (grp VARBINARY(255) NOT NULL PRIMARY KEY,"
                            + " epoch BIGINT NOT NULL, applied_wall BIGINT NOT NULL, applied_logical BIGINT NOT NULL,"
                            + " holder VARCHAR(255) NOT NULL, incarnation VARCHAR(64) NULL) ENGINE=InnoDB");
                    s.execute("CREATE TABLE IF NOT EXISTS " + versions + " (grp VARBINARY(255) NOT NULL,"
                            + " seq BIGINT NOT NULL, wall BIGINT NOT NULL, logical BIGINT NOT NULL, body LONGBLOB NULL,"
                            + " PRIMARY KEY (grp, seq)) ENGINE=InnoDB");
                }
                default -> {
                    createIfMissing(s, "CREATE TABLE " + fences + " (grp VARCHAR2(512) NOT NULL PRIMARY KEY,"
                            + " epoch NUMBER(19) NOT NULL, applied_wall NUMBER(19) NOT NULL,"
                            + " applied_logical NUMBER(19) NOT NULL, holder VARCHAR2(255) NOT NULL, incarnation VARCHAR2(64) NULL)");
                    createIfMissing(s, "CREATE TABLE " + versions + " (grp VARCHAR2(512) NOT NULL,"
                            + " seq NUMBER(19) NOT NULL, wall NUMBER(19) NOT NULL, logical NUMBER(19) NOT NULL, body BLOB NULL,"
                            + " PRIMARY KEY (grp, seq))");
                }
            }
        }
    }

    /** Oracle before 23 has no {@code IF NOT EXISTS}: ORA-00955 (name already used) means it is there. */
    private static void createIfMissing(Statement s, String ddl) throws SQLException {
        try {
            s.execute(ddl);
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            if (e.getErrorCode() != 955 && !m.contains("ORA-00955") && !m.toLowerCase(Locale.ROOT).contains("already exists")) {
                throw e;
            }
        }
    }

    /**
     * Bounds the claim's wait for the group's row: a holder paused inside its commit must not stall the
     * lease thread of its successor (it tries again at its next round). PostgreSQL and CockroachDB:
     * {@code lock_timeout} for this transaction; MySQL and MariaDB: the session's
     * {@code innodb_lock_wait_timeout} (whole seconds), restored afterwards.
     *
     * @return the MySQL session value to restore, or null
     */
    static Long boundLockWait(Connection c, TargetFence.Family family, long claimMillis) {
        try (Statement s = c.createStatement()) {
            if (family == TargetFence.Family.POSTGRES) {
                s.execute("SET LOCAL lock_timeout = '" + claimMillis + "ms'");
            } else if (family == TargetFence.Family.MYSQL) {
                long before;
                try (ResultSet rs = s.executeQuery("SELECT @@innodb_lock_wait_timeout")) {
                    before = rs.next() ? rs.getLong(1) : 50;
                }
                s.execute("SET SESSION innodb_lock_wait_timeout = " + Math.max(1, (claimMillis + 999) / 1000));
                return before;
            }
        } catch (SQLException e) {
            LOG.debug("cannot bound the fence's lock wait: {}", e.getMessage());
        }
        return null;
    }

    static void restoreLockWait(Connection c, Long before) {
        if (before == null) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION innodb_lock_wait_timeout = " + before);
        } catch (SQLException e) {
            LOG.debug("cannot restore innodb_lock_wait_timeout: {}", e.getMessage());
        }
    }
}
