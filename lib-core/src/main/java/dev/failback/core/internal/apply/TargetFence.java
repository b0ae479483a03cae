package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.Dialect;
import dev.failback.spi.VersionStore.RowKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
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
 * and {@code FAILBACK_KEY_VERSION_BATCHES} of the connected user). Thread-safe.
 */
public final class TargetFence {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TargetFence.class);
    enum Family {
        POSTGRES, MYSQL, ORACLE
    }

    private final DataSource target;
    private final Family family;
    private final String schema;
    private final String fences;
    private final String versions;
    /** See {@link #of(DataSource, Dialect, String, java.time.Duration)}. */
    private volatile long boundMillis = 5_000;
    private volatile long claimMillis = 1_000;
    /** PostgreSQL proper (not CockroachDB): idle fenced transactions are ended by the server ({@link #boundIdle}). */
    private final boolean postgresProper;
    private final KeyVersionBatches batches;

    private TargetFence(DataSource target, Family family, String schema, boolean postgresProper) {
        this.target = target;
        this.postgresProper = postgresProper;
        this.family = family;
        this.schema = schema;
        switch (family) {
            case POSTGRES -> {
                String q = quote(schema, '"');
                this.fences = q + ".fences";
                this.versions = q + ".key_version_batches";
            }
            case MYSQL -> {
                String q = quote(schema, '`');
                this.fences = q + ".`fences`";
                this.versions = q + ".`key_version_batches`";
            }
            default -> {
                this.fences = "FAILBACK_FENCES";
                this.versions = "FAILBACK_KEY_VERSION_BATCHES";
            }
        }
        this.batches = new KeyVersionBatches(family, versions);
    }

    /**
     * The fence for a target, or null when its dialect is not one this knows.
     *
     * @param target  the target database
     * @param dialect its dialect
     * @param schema  where the tables go (a schema, or a database on MySQL; unused on Oracle)
     * @return the fence, not yet initialized; null for an unknown dialect
     */
    public static TargetFence of(DataSource target, Dialect dialect, String schema) {
        return of(target, dialect, schema, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1));
    }

    /**
     * The fence for a target, bounding how long its transactions may wait for (or hold, idle) the group's row.
     *
     * @param idle  on PostgreSQL a fenced transaction left idle this long (its process paused) is ended by the
     *              server, so that it cannot hold the row
     * @param claim a claim waits at most this long for the row
     */
    public static TargetFence of(DataSource target, Dialect dialect, String schema, java.time.Duration idle,
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

    static String quote(String schema, char q) {
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
    public void init() throws SQLException {
        dev.failback.core.internal.stage.StagingStores.concurrently(
                () -> FenceTables.create(target, family, schema, fences, versions));
    }

    private void setGroup(PreparedStatement ps, int index, String group) throws SQLException {
        setGroup(family, ps, index, group);
    }

    /** Binds a group name: bytes on MySQL (a binary column, compared exactly), else text. */
    static void setGroup(Family family, PreparedStatement ps, int index, String group) throws SQLException {
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
    public record State(long epoch, Hlc applied) {
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
            batches.incarnation(group, stored);
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
        batches.forget(c, group);
        batches.incarnation(group, incarnation);
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
    public State claim(String group, long epoch, String holder) throws SQLException {
        return claim(group, epoch, holder, "");
    }

    /**
     * Like {@link #claim(String, long, String)}, starting the fence over when it was left under another
     * incarnation of the group.
     *
     * @param incarnation the group's incarnation in the staging database ("" to never start over)
     */
    public State claim(String group, long epoch, String holder, String incarnation) throws SQLException {
        try (Connection c = target.getConnection()) {
            ensure(c, group);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            Long restoreWait = FenceTables.boundLockWait(c, family, claimMillis);
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
                Transactions.rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
                FenceTables.restoreLockWait(c, restoreWait);
            }
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
    public void boundIdle(Connection c) {
        if (!postgresProper) { // CockroachDB ends idle transactions its own way
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
    public void commitWindow(Connection c, String group, long epoch, Hlc upTo) throws SQLException {
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
        Hlc applied = lock(c, group, incarnation).applied();
        batches.begin(group, applied);
        return applied;
    }

    /** Immediate mode: the recorded versions of these keys, as of the batch's transaction ({@link KeyVersionBatches}). */
    Map<RowKey, Hlc> versions(Connection c, String group, Collection<RowKey> keys) throws SQLException {
        return batches.versions(c, group, keys);
    }

    /** Immediate mode: like {@link #versions(Connection, String, Collection)}, the keys hashed by the caller. */
    Map<RowKey, Hlc> versions(Connection c, String group, Map<RowKey, KeyVersionBatches.Hash> keys) throws SQLException {
        return batches.versions(c, group, keys);
    }

    /** Immediate mode: like {@link #record}, the keys hashed by the caller. */
    void recordHashed(Connection c, String group, Map<KeyVersionBatches.Hash, Hlc> applied) throws SQLException {
        batches.recordHashed(c, group, applied);
    }

    /** Immediate mode: records the versions a batch applies, in its transaction ({@link KeyVersionBatches}). */
    void record(Connection c, String group, Map<RowKey, Hlc> applied) throws SQLException {
        batches.record(c, group, applied);
    }

    /** Immediate mode: the batch's transaction on this connection committed ({@link KeyVersionBatches#committed}). */
    void committed(Connection c, String group) {
        batches.committed(c, group);
    }

    /**
     * Immediate mode: how many key versions of a group this process keeps in memory; past it each batch
     * reads them from the target.
     *
     * @param keys the bound
     */
    public void memoryKeys(int keys) {
        batches.memoryKeys(keys);
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
    public void retire(String group, Hlc upTo) throws SQLException {
        retire(group, upTo, "");
    }

    /**
     * Like {@link #retire(String, Hlc)}, starting the fence over when it was left under another incarnation.
     *
     * @param incarnation the group's incarnation in the staging database ("" to never start over)
     */
    public void retire(String group, Hlc upTo, String incarnation) throws SQLException {
        try (Connection c = target.getConnection()) {
            Transactions.inTransaction(c, () -> {
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
                    batches.retire(c, group, upTo);
                }
                return null;
            });
        }
        batches.forgetUpTo(group, upTo);
    }

    @Override
    public String toString() {
        return family == Family.ORACLE ? fences : fences.substring(0, fences.lastIndexOf('.'));
    }
}
