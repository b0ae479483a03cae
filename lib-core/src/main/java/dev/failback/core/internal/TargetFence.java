package dev.failback.core.internal;

import dev.failback.Hlc;
import dev.failback.spi.Dialect;
import dev.failback.spi.StagingStore.RowKey;
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
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The fence in the target database: one row per group with the epoch of the lease holder allowed to
 * commit and the timestamp applied up to, and (immediate mode) the newest applied version of each key
 * changed since the last resolved timestamp. Both live in the target so that the checks run in the
 * same transaction as the writes they guard:
 *
 * <ul>
 *   <li>Consistent mode: every window's transaction ends with {@code UPDATE fences SET applied = ...
 *       WHERE grp = ? AND epoch = <mine>}; a new holder first raises the epoch ({@link #claim}), which
 *       waits for a commit of the old epoch in flight (the row lock) and makes every later one update
 *       nothing, so it is rolled back. The applied timestamp moves in the same transaction as the
 *       window, so a new holder resumes exactly where the target is.</li>
 *   <li>Immediate mode: a batch's transaction locks the group's row, drops what the resolved timestamp
 *       already covers and each key's versions that are not newer than the recorded one, applies the
 *       rest and records their versions: whichever process received which request, an older version
 *       never overwrites a newer one.</li>
 * </ul>
 *
 * <p>The tables sit in the staging schema when staging shares the target database, else in a schema
 * of that name in the target ({@code _failback} by default; on Oracle, tables {@code FAILBACK_FENCES}
 * and {@code FAILBACK_KEY_VERSIONS} of the connected user). Thread-safe.
 */
final class TargetFence {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TargetFence.class);
    private enum Family {
        POSTGRES, MYSQL, ORACLE
    }

    /** Keys per {@code IN} list when reading versions. */
    private static final int CHUNK = 500;

    private final DataSource target;
    private final Family family;
    private final String schema;
    private final String fences;
    private final String versions;
    /** See {@link #of(DataSource, Dialect, String, java.time.Duration)}. */
    private volatile long boundMillis = 5_000;
    private volatile long claimMillis = 1_000;
    /** PostgreSQL proper (not CockroachDB): the versions table is UNLOGGED (see {@link #create}). */
    private final boolean unlogged;

    private TargetFence(DataSource target, Family family, String schema, boolean unlogged) {
        this.target = target;
        this.unlogged = unlogged;
        this.family = family;
        this.schema = schema;
        switch (family) {
            case POSTGRES -> {
                String q = quote(schema, '"');
                this.fences = q + ".fences";
                this.versions = q + ".key_versions";
            }
            case MYSQL -> {
                String q = quote(schema, '`');
                this.fences = q + ".`fences`";
                this.versions = q + ".`key_versions`";
            }
            default -> {
                this.fences = "FAILBACK_FENCES";
                this.versions = "FAILBACK_KEY_VERSIONS";
            }
        }
    }

    /**
     * The fence for a target, or null when its dialect is not one this knows.
     *
     * @param target  the target database
     * @param dialect its dialect
     * @param schema  where the tables go (a schema, or a database on MySQL; unused on Oracle)
     * @return the fence, not yet initialized; null for an unknown dialect
     */
    static TargetFence of(DataSource target, Dialect dialect, String schema) {
        return of(target, dialect, schema, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1));
    }

    /**
     * The fence for a target, bounding how long its transactions may wait for (or hold, idle) the group's row.
     *
     * @param idle  on PostgreSQL a fenced transaction left idle this long (its process paused) is ended by the
     *              server, so that it cannot hold the row
     * @param claim a claim waits at most this long for the row
     */
    static TargetFence of(DataSource target, Dialect dialect, String schema, java.time.Duration idle,
            java.time.Duration claim) {
        TargetFence f = of0(target, dialect, schema);
        if (f != null) {
            f.boundMillis = Math.max(1, idle.toMillis());
            f.claimMillis = Math.max(1, claim.toMillis());
        }
        return f;
    }

    private static TargetFence of0(DataSource target, Dialect dialect, String schema) {
        String name = dialect.name().toLowerCase(Locale.ROOT);
        Family family = name.contains("postgres") || name.contains("cockroach") ? Family.POSTGRES
                : name.contains("mysql") || name.contains("mariadb") ? Family.MYSQL
                : name.contains("oracle") ? Family.ORACLE : null;
        return family == null ? null : new TargetFence(target, family, schema, name.contains("postgres"));
    }

    private static String quote(String schema, char q) {
        StringBuilder sb = new StringBuilder();
        for (String part : schema.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(q).append(part.replace(String.valueOf(q), String.valueOf(q) + q)).append(q);
        }
        return sb.toString();
    }

    /** Creates the schema (PostgreSQL, MySQL) and the tables when missing. */
    void init() throws SQLException {
        dev.failback.core.internal.staging.StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            switch (family) {
                case POSTGRES -> {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema, '"'));
                    s.execute("CREATE TABLE IF NOT EXISTS " + fences + " (grp TEXT NOT NULL PRIMARY KEY,"
                            + " epoch INT8 NOT NULL, applied_wall INT8 NOT NULL, applied_logical INT8 NOT NULL,"
                            + " holder TEXT NOT NULL, incarnation TEXT NULL)");
                    // Unlogged on PostgreSQL: no WAL for a table written with every immediate-mode batch; a server
                    // crash empties it, which only forgets versions newer than the last resolved timestamp (as a
                    // Failback crash always did: an older version re-emitted meanwhile is applied, then the newer one).
                    s.execute("CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE IF NOT EXISTS " + versions
                            + " (grp TEXT NOT NULL, khash UUID NOT NULL,"
                            + " wall INT8 NOT NULL, logical INT8 NOT NULL, PRIMARY KEY (grp, khash))");
                }
                case MYSQL -> {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + quote(schema, '`'));
                    s.execute("CREATE TABLE IF NOT EXISTS " + fences + " (grp VARBINARY(255) NOT NULL PRIMARY KEY,"
                            + " epoch BIGINT NOT NULL, applied_wall BIGINT NOT NULL, applied_logical BIGINT NOT NULL,"
                            + " holder VARCHAR(255) NOT NULL, incarnation VARCHAR(64) NULL) ENGINE=InnoDB");
                    s.execute("CREATE TABLE IF NOT EXISTS " + versions + " (grp VARBINARY(255) NOT NULL,"
                            + " khash CHAR(32) CHARACTER SET ascii NOT NULL, wall BIGINT NOT NULL, logical BIGINT NOT NULL,"
                            + " PRIMARY KEY (grp, khash)) ENGINE=InnoDB");
                }
                default -> {
                    createIfMissing(s, "CREATE TABLE " + fences + " (grp VARCHAR2(512) NOT NULL PRIMARY KEY,"
                            + " epoch NUMBER(19) NOT NULL, applied_wall NUMBER(19) NOT NULL,"
                            + " applied_logical NUMBER(19) NOT NULL, holder VARCHAR2(255) NOT NULL, incarnation VARCHAR2(64) NULL)");
                    createIfMissing(s, "CREATE TABLE " + versions + " (grp VARCHAR2(512) NOT NULL,"
                            + " khash VARCHAR2(32) NOT NULL, wall NUMBER(19) NOT NULL, logical NUMBER(19) NOT NULL,"
                            + " PRIMARY KEY (grp, khash))");
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

    private void setGroup(PreparedStatement ps, int index, String group) throws SQLException {
        if (family == Family.MYSQL) {
            ps.setBytes(index, group.getBytes(StandardCharsets.UTF_8));
        } else {
            ps.setString(index, group);
        }
    }

    /** Groups whose row this process has made sure of: the row is never deleted. */
    private final java.util.Set<String> ensured = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Inserts the group's row when missing (epoch 0, nothing applied), autocommitted; once per group. */
    private void ensure(Connection c, String group) throws SQLException {
        if (ensured.contains(group)) {
            return;
        }
        insertIfMissing(c, group);
        ensured.add(group);
    }

    private void insertIfMissing(Connection c, String group) throws SQLException {
        String sql = switch (family) {
            case POSTGRES -> "INSERT INTO " + fences + " (grp, epoch, applied_wall, applied_logical, holder)"
                    + " VALUES (?, 0, 0, 0, '') ON CONFLICT (grp) DO NOTHING";
            case MYSQL -> "INSERT IGNORE INTO " + fences + " (grp, epoch, applied_wall, applied_logical, holder)"
                    + " VALUES (?, 0, 0, 0, '')";
            default -> "INSERT INTO " + fences + " (grp, epoch, applied_wall, applied_logical, holder)"
                    + " SELECT ?, 0, 0, 0, ' ' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM " + fences + " WHERE grp = ?)";
        };
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            setGroup(ps, 1, group);
            if (family == Family.ORACLE) {
                setGroup(ps, 2, group);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            if (family != Family.ORACLE || !"23000".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())
                    && e.getErrorCode() != 1) {
                throw e; // on Oracle a concurrent insert of the same group is a unique violation
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** The epoch and applied timestamp of a group's fence. */
    record State(long epoch, Hlc applied) {
    }

    /**
     * Reads and locks a group's row in the caller's transaction. When the row was written under another
     * incarnation of the group (an earlier staging database), starts it over: nothing applied, no key
     * versions, the epoch kept (it only grows).
     */
    private State lock(Connection c, String group, String incarnation) throws SQLException {
        State state;
        String stored;
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch, applied_wall, applied_logical, incarnation FROM "
                + fences + " WHERE grp = ? FOR UPDATE")) {
            setGroup(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    ensured.remove(group); // the table was emptied or made again: insert it on the next try
                    throw new SQLException("the fence row of " + group + " in " + fences + " is missing");
                }
                state = new State(rs.getLong(1), new Hlc(rs.getLong(2), (int) rs.getLong(3)));
                stored = rs.getString(4);
            }
        }
        if (incarnation.isEmpty() || incarnation.equals(stored)) {
            return state;
        }
        if (stored != null || !state.applied().equals(Hlc.ZERO)) {
            LOG.warn("the fence of {} in {} was left by another staging database (applied up to {}); starting it over"
                    + " from this staging's checkpoint", group, this, state.applied());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + fences + " SET applied_wall = 0, applied_logical = 0,"
                + " incarnation = ? WHERE grp = ?")) {
            ps.setString(1, incarnation);
            setGroup(ps, 2, group);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ?")) {
            setGroup(ps, 1, group);
            ps.executeUpdate();
        }
        return new State(state.epoch(), Hlc.ZERO);
    }


    /**
     * Raises a group's fence to a new holder's epoch. Waits for a window of an older epoch that is
     * committing now; every later commit of an older epoch then changes nothing and is rolled back.
     *
     * @param group  the group
     * @param epoch  the new holder's epoch
     * @param holder the new holder
     * @return the fence before the claim: its epoch (when not lower than {@code epoch}, the claim failed)
     *         and the timestamp the target is applied up to
     * @throws SQLException when the target is unreachable
     */
    State claim(String group, long epoch, String holder) throws SQLException {
        return claim(group, epoch, holder, "");
    }

    /**
     * Like {@link #claim(String, long, String)}, starting the fence over when it was left under another
     * incarnation of the group.
     *
     * @param incarnation the group's incarnation in the staging database ("" to never start over)
     */
    State claim(String group, long epoch, String holder, String incarnation) throws SQLException {
        try (Connection c = target.getConnection()) {
            ensure(c, group);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            Long restoreWait = boundLockWait(c);
            boundIdle(c);
            try {
                State before = lock(c, group, incarnation);
                if (before.epoch() < epoch) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + fences + " SET epoch = ?, holder = ?"
                            + " WHERE grp = ?")) {
                        ps.setLong(1, epoch);
                        ps.setString(2, holder);
                        setGroup(ps, 3, group);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return before;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
                restoreLockWait(c, restoreWait);
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
    private Long boundLockWait(Connection c) {
        try (Statement s = c.createStatement()) {
            if (family == Family.POSTGRES) {
                s.execute("SET LOCAL lock_timeout = '" + claimMillis + "ms'");
            } else if (family == Family.MYSQL) {
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

    private static void restoreLockWait(Connection c, Long before) {
        if (before == null) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION innodb_lock_wait_timeout = " + before);
        } catch (SQLException e) {
            LOG.debug("cannot restore innodb_lock_wait_timeout: {}", e.getMessage());
        }
    }

    /**
     * At the start of a fenced transaction on PostgreSQL: the server ends it if its process leaves it idle
     * (paused, partitioned) longer than the bound, so that it cannot hold the group's row, and the locks
     * of the rows it wrote, until the process comes back. Elsewhere nothing (MySQL has no such timeout:
     * a claim waits, bounded, and tries again).
     *
     * @param c the connection, in its transaction
     */
    void boundIdle(Connection c) {
        if (!unlogged) { // PostgreSQL proper; CockroachDB ends idle transactions its own way
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL idle_in_transaction_session_timeout = '" + boundMillis + "ms'");
        } catch (SQLException e) {
            LOG.debug("cannot bound the idle time of a fenced transaction: {}", e.getMessage());
        }
    }

    /**
     * In a window's target transaction, just before it commits: records the window as applied if the
     * fence still carries this holder's epoch.
     *
     * @param c     the window's connection, in its transaction
     * @param group the group
     * @param epoch this holder's epoch
     * @param upTo  the window's end
     * @throws LeaseLostException when another holder raised the fence (the caller rolls back)
     * @throws SQLException        when the target fails
     */
    void commitWindow(Connection c, String group, long epoch, Hlc upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + fences + " SET applied_wall = ?, applied_logical = ?"
                + " WHERE grp = ? AND epoch = ?")) {
            ps.setLong(1, upTo.wall());
            ps.setLong(2, upTo.logical());
            setGroup(ps, 3, group);
            ps.setLong(4, epoch);
            if (ps.executeUpdate() == 0) {
                throw new LeaseLostException("the fence of " + group + " in the target no longer carries epoch " + epoch
                        + ": another instance took the group over; the window was rolled back");
            }
        }
    }

    /**
     * Immediate mode, at the start of a batch's transaction: makes sure the group's row exists (in its
     * own transaction), then locks it, so that batches of every process apply one at a time.
     *
     * @param c     the batch's connection, not yet in a transaction
     * @param group the group
     * @return the timestamp the resolved timestamps have covered: anything at or before it is applied
     * @throws SQLException when the target fails
     */
    Hlc lockForBatch(Connection c, String group) throws SQLException {
        return lockForBatch(c, group, "");
    }

    /**
     * Like {@link #lockForBatch(Connection, String)}, starting the fence over when it was left under another
     * incarnation of the group.
     *
     * @param incarnation the group's incarnation in the staging database ("" to never start over)
     */
    Hlc lockForBatch(Connection c, String group, String incarnation) throws SQLException {
        ensure(c, group);
        c.setAutoCommit(false);
        boundIdle(c);
        return lock(c, group, incarnation).applied();
    }

    /**
     * Immediate mode: the recorded versions of these keys, read in the batch's transaction.
     *
     * @param c     the batch's connection
     * @param group the group
     * @param keys  the keys
     * @return the recorded version of each key that has one
     * @throws SQLException when the target fails
     */
    Map<RowKey, Hlc> versions(Connection c, String group, Collection<RowKey> keys) throws SQLException {
        // keys whose tables differ only in case share a hash (and a target row): each gets the version
        Map<String, List<RowKey>> byHash = new HashMap<>(keys.size() * 2);
        for (RowKey k : keys) {
            byHash.computeIfAbsent(hash(k), h -> new ArrayList<>(1)).add(k);
        }
        List<String> hashes = new ArrayList<>(byHash.keySet());
        Map<RowKey, Hlc> out = new HashMap<>();
        if (family == Family.POSTGRES) {
            // one array parameter: an IN list of hundreds gets a generic plan that scans (100 ms for 500 keys)
            try (PreparedStatement ps = c.prepareStatement("SELECT khash, wall, logical FROM " + versions
                    + " WHERE grp = ? AND khash = ANY(?::UUID[])")) {
                ps.setString(1, group);
                ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Hlc v = new Hlc(rs.getLong(2), (int) rs.getLong(3));
                        byHash.get(rs.getString(1).replace("-", "")).forEach(k -> out.put(k, v));
                    }
                }
            }
            return out;
        }
        for (int from = 0; from < hashes.size(); from += CHUNK) {
            List<String> chunk = hashes.subList(from, Math.min(hashes.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder("SELECT khash, wall, logical FROM ").append(versions)
                    .append(" WHERE grp = ? AND khash IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(')');
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                setGroup(ps, 1, group);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Hlc v = new Hlc(rs.getLong(2), (int) rs.getLong(3));
                        byHash.get(rs.getString(1)).forEach(k -> out.put(k, v));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Immediate mode: records the versions a batch applies, in its transaction.
     *
     * @param c       the batch's connection
     * @param group   the group
     * @param applied the version applied for each key, each newer than the recorded one
     * @throws SQLException when the target fails
     */
    void record(Connection c, String group, Map<RowKey, Hlc> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        // one row per hash (tables differing only in case share it): a statement may touch a row once
        Map<String, Hlc> byHash = new LinkedHashMap<>(applied.size() * 2);
        applied.forEach((k, v) -> byHash.merge(hash(k), v, Hlc::max));
        if (family == Family.POSTGRES) {
            String[] hashes = byHash.keySet().toArray(new String[0]);
            Long[] walls = new Long[hashes.length];
            Long[] logicals = new Long[hashes.length];
            for (int i = 0; i < hashes.length; i++) {
                Hlc v = byHash.get(hashes[i]);
                walls[i] = v.wall();
                logicals[i] = (long) v.logical();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + versions + " (grp, khash, wall, logical)"
                    + " SELECT ?, unnest(?::UUID[]), unnest(?::INT8[]), unnest(?::INT8[])"
                    + " ON CONFLICT (grp, khash) DO UPDATE SET wall = excluded.wall, logical = excluded.logical")) {
                ps.setString(1, group);
                ps.setArray(2, c.createArrayOf("text", hashes));
                ps.setArray(3, c.createArrayOf("int8", walls));
                ps.setArray(4, c.createArrayOf("int8", logicals));
                ps.executeUpdate();
            }
            return;
        }
        if (family == Family.ORACLE) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND khash = ?")) {
                for (String h : byHash.keySet()) {
                    setGroup(ps, 1, group);
                    ps.setString(2, h);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        String conflict = family == Family.MYSQL
                ? " ON DUPLICATE KEY UPDATE wall = VALUES(wall), logical = VALUES(logical)" : "";
        List<Map.Entry<String, Hlc>> rows = new ArrayList<>(byHash.entrySet());
        // one multi-row statement per chunk (Oracle: one row per statement, batched)
        int per = family == Family.ORACLE ? 1 : CHUNK;
        for (int from = 0; from < rows.size(); from += per) {
            List<Map.Entry<String, Hlc>> chunk = rows.subList(from, Math.min(rows.size(), from + per));
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(versions).append(" (grp, khash, wall, logical) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
            }
            sql.append(conflict);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int at = 1;
                for (Map.Entry<String, Hlc> e : chunk) {
                    setGroup(ps, at++, group);
                    ps.setString(at++, e.getKey());
                    ps.setLong(at++, e.getValue().wall());
                    ps.setLong(at++, e.getValue().logical());
                }
                ps.executeUpdate();
            }
        }
    }


    /** How often, at most, {@link #retire} deletes the versions a resolved timestamp covers. */
    private static final long PURGE_PERIOD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /** When each group's versions were last deleted (System.nanoTime). */
    private final Map<String, Long> purged = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Immediate mode, on a resolved timestamp: records that everything up to it is applied, in one
     * transaction holding the group's row; every {@link #PURGE_PERIOD_NANOS} also deletes the versions
     * it covers. Versions at or before the recorded timestamp decide nothing (anything that old is left
     * out anyway), so deleting them is only housekeeping, kept off the path of every resolved timestamp.
     *
     * @param group the group
     * @param upTo  the resolved timestamp
     * @throws SQLException when the target fails
     */
    void retire(String group, Hlc upTo) throws SQLException {
        retire(group, upTo, "");
    }

    /**
     * Like {@link #retire(String, Hlc)}, starting the fence over when it was left under another incarnation.
     *
     * @param incarnation the group's incarnation in the staging database ("" to never start over)
     */
    void retire(String group, Hlc upTo, String incarnation) throws SQLException {
        try (Connection c = target.getConnection()) {
            boolean auto = c.getAutoCommit();
            try {
                Hlc applied = lockForBatch(c, group, incarnation);
                long now = System.nanoTime();
                Long last = purged.get(group);
                boolean purge = last == null || now - last > PURGE_PERIOD_NANOS;
                if (upTo.isAfter(applied)) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + fences
                            + " SET applied_wall = ?, applied_logical = ? WHERE grp = ?")) {
                        ps.setLong(1, upTo.wall());
                        ps.setLong(2, upTo.logical());
                        setGroup(ps, 3, group);
                        ps.executeUpdate();
                    }
                }
                if (purge) {
                    purged.put(group, now);
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions
                            + " WHERE grp = ? AND (wall < ? OR (wall = ? AND logical <= ?))")) {
                        setGroup(ps, 1, group);
                        ps.setLong(2, upTo.wall());
                        ps.setLong(3, upTo.wall());
                        ps.setLong(4, upTo.logical());
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception e) {
        try {
            c.rollback();
        } catch (SQLException re) {
            e.addSuppressed(re);
        }
    }

    /**
     * A key's identity in the versions table: the first 128 bits of SHA-256 of its table and key text, in
     * 32 hex digits (a {@code UUID} on PostgreSQL). Two keys of a group share it with a probability
     * below 10^-26 at a million keys.
     */
    static String hash(RowKey k) {
        MessageDigest md = SHA256.get(); // digest() resets it
        md.update(k.table().folded().toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(k.key().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    /** One digest per thread: looking one up costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    });

    @Override
    public String toString() {
        return family == Family.ORACLE ? fences : fences.substring(0, fences.lastIndexOf('.'));
    }
}
