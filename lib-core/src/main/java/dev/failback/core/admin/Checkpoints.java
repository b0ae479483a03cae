package dev.failback.core.admin;

import dev.failback.Hlc;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.Checkpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Reads and moves back the checkpoints in a staging schema: per group (target schema) the newest
 * resolved timestamp received and the timestamp everything is applied up to, with the group's lease.
 * Works on the staging tables Failback creates on PostgreSQL and CockroachDB, MySQL and MariaDB.
 *
 * <p>{@link #reset} is the supported replacement for editing the {@code checkpoints} table by hand, for
 * example after a far-future resolved timestamp made every later change look "already applied". It
 * refuses while an instance holds an unexpired lease on the group (a running instance keeps its
 * checkpoint in memory and would write it back), refuses a target in the future, never moves a
 * checkpoint forward, and makes the target's fence of the group start over from the new checkpoint at
 * the next lease (by giving the group a new incarnation). Thread-safe; every call uses its own
 * connection.
 *
 * <pre>{@code
 * Checkpoints checkpoints = Checkpoints.of(stagingDataSource, "_failback");
 * checkpoints.list().forEach(System.out::println);
 * Checkpoints.Reset r = checkpoints.reset("db.public", Hlc.parse("1733000000000000000.0000000000"), false);
 * }</pre>
 */
public final class Checkpoints {
    private final DataSource dataSource;
    private final CheckpointTables tables;

    private Checkpoints(DataSource dataSource, CheckpointTables tables) {
        this.dataSource = dataSource;
        this.tables = tables;
    }

    /**
     * The checkpoints of a staging schema, in the SQL of the staging database's family.
     *
     * @param staging the staging database (not closed by this class)
     * @param schema  the staging schema ({@code _failback} by default; a database on MySQL)
     * @return the tool
     * @throws SQLException             when the database is unreachable
     * @throws IllegalArgumentException when it is not PostgreSQL, CockroachDB, MySQL or MariaDB
     */
    public static Checkpoints of(DataSource staging, String schema) throws SQLException {
        Objects.requireNonNull(staging, "staging");
        Objects.requireNonNull(schema, "schema");
        String product;
        try (Connection c = staging.getConnection()) {
            product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return new Checkpoints(staging, new CheckpointTables(schema, true));
        }
        if (product.contains("postgres") || product.contains("cockroach")) {
            return new Checkpoints(staging, new CheckpointTables(schema, false));
        }
        throw new IllegalArgumentException("staging on " + product + " is not supported: Failback stages in"
                + " PostgreSQL, CockroachDB, MySQL or MariaDB");
    }

    /**
     * A group's lease as the staging database holds it.
     *
     * @param holder  the instance that holds or last held it, "" when nobody ever did
     * @param epoch   its epoch (grows with every change of holder)
     * @param expires when it expires, or null when unknown
     * @param live    whether an instance holds it and it had not expired when read (on the database's clock)
     */
    public record Lease(String holder, long epoch, Instant expires, boolean live) {
    }

    /** {@link #reset} refused: an instance holds an unexpired lease on the group. Nothing changed. */
    public static final class LeaseHeldException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final String group;
        private final transient Lease lease;

        LeaseHeldException(String group, Lease lease) {
            super("instance " + lease.holder() + " holds the lease of " + group + " (epoch " + lease.epoch() + ", expires "
                    + lease.expires() + "): stop every Failback instance on this staging schema first (a running"
                    + " instance keeps its checkpoint in memory and writes it back)");
            this.group = group;
            this.lease = lease;
        }

        /**
         * The group.
         *
         * @return the group asked for
         */
        public String group() {
            return group;
        }

        /**
         * The lease that stopped the reset.
         *
         * @return the live lease, or null after deserialization
         */
        public Lease lease() {
            return lease;
        }
    }

    /**
     * One group's checkpoint.
     *
     * @param group      the group ({@code database.schema}, a MySQL database or an Oracle schema)
     * @param checkpoint its resolved and applied timestamps
     * @param lease      its lease, or null when it has none
     */
    public record GroupCheckpoint(String group, Checkpoint checkpoint, Lease lease) {
    }

    /**
     * What {@link #reset} did.
     *
     * @param group           the group
     * @param before          the checkpoint before
     * @param after           the checkpoint after: each timestamp the earlier of its value before and the target
     * @param lease           the group's lease when the reset began, or null when it has none
     * @param versionsDeleted key versions newer than the target deleted (immediate mode's record of what is applied)
     * @param fenceRestarted  whether the group got a new incarnation, so that the target's fence starts over
     *                        from {@code after} when an instance next takes the lease
     * @param stagedAfter     staged rows newer than the new applied timestamp, which will be applied again
     */
    public record Reset(String group, Checkpoint before, Checkpoint after, Lease lease, long versionsDeleted,
            boolean fenceRestarted, long stagedAfter) {
        /**
         * Whether the checkpoint moved.
         *
         * @return true when {@code after} differs from {@code before}
         */
        public boolean changed() {
            return !before.equals(after);
        }
    }

    /**
     * Lists every group's checkpoint and lease, ordered by group.
     *
     * @return the groups, never null
     * @throws SQLException          when the database fails
     * @throws IllegalStateException when the staging schema has no checkpoints table
     */
    public List<GroupCheckpoint> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            tables.requireCheckpoints(c);
            return tables.readAll(c, CheckpointTables.exists(c, tables.leases));
        }
    }

    /**
     * Moves a group's checkpoint back to {@code to}: the resolved and applied timestamps each become the
     * earlier of their value and {@code to}; key versions newer than {@code to} are forgotten; the group
     * gets a new incarnation so that the target's fence starts over from the new checkpoint. Staged rows
     * newer than the new applied timestamp are applied again; rows already retired from staging must be
     * sent again by a changefeed started at a cursor no later than {@code to}. One transaction.
     *
     * @param group the group, as {@link #list} names it
     * @param to    the timestamp to move back to; not in the future of this machine's clock
     * @param force reset even while an instance holds an unexpired lease on the group (that instance keeps
     *              its checkpoint in memory and may write it back: stop it first)
     * @return what changed
     * @throws IllegalArgumentException when {@code to} is in the future
     * @throws LeaseHeldException      without {@code force}, when an instance holds the group's lease;
     *                                  nothing changed
     * @throws IllegalStateException    when the group has no checkpoint; nothing changed
     * @throws SQLException             when the database fails; nothing changed
     */
    public Reset reset(String group, Hlc to, boolean force) throws SQLException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(to, "to");
        Instant clock = Instant.now();
        long nowNanos = clock.getEpochSecond() * 1_000_000_000L + clock.getNano();
        if (to.wall() > nowNanos) {
            throw new IllegalArgumentException("the target " + to + " (" + wallTime(to) + ") is in the future of this"
                    + " machine's clock (" + clock + "); a checkpoint can only be moved back");
        }
        try (Connection c = dataSource.getConnection()) {
            tables.requireCheckpoints(c);
            boolean withLeases = CheckpointTables.exists(c, tables.leases);
            boolean withVersions = CheckpointTables.exists(c, tables.versions);
            boolean withMutations = CheckpointTables.exists(c, tables.mutations);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            Checkpoint before;
            Checkpoint after;
            Lease lease = null;
            long versionsDeleted = 0;
            boolean fenceRestarted = false;
            try {
                before = tables.lockCheckpoint(c, group);
                if (before == null) {
                    c.rollback();
                    throw new IllegalStateException("the staging schema " + tables.schema() + " has no checkpoint for group "
                            + group + "; its groups: " + tables.groupNames(c));
                }
                if (withLeases) {
                    lease = tables.lockLease(c, group);
                }
                if (lease != null && lease.live() && !force) {
                    c.rollback();
                    throw new LeaseHeldException(group, lease);
                }
                after = new Checkpoint(min(before.resolved(), to), min(before.applied(), to));
                tables.writeCheckpoint(c, group, after);
                if (withVersions) {
                    versionsDeleted = tables.deleteVersionsAfter(c, group, to);
                }
                if (withLeases) {
                    fenceRestarted = tables.restartFence(c, group);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            long stagedAfter = withMutations ? tables.countAfter(c, group, after.applied()) : 0;
            return new Reset(group, before, after, lease, versionsDeleted, fenceRestarted, stagedAfter);
        }
    }

    /**
     * The wall time of a timestamp, for messages.
     *
     * @param hlc the timestamp
     * @return its wall time as an instant
     */
    public static Instant wallTime(Hlc hlc) {
        return Instant.ofEpochSecond(0, hlc.wall());
    }

    private static Hlc min(Hlc a, Hlc b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "Checkpoints[" + tables.schema() + "]";
    }
}
