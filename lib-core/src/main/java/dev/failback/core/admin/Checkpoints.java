package dev.failback.core.admin;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
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
    private static final BigInteger TEN_BILLION = BigInteger.valueOf(10_000_000_000L);

    private final DataSource dataSource;
    private final String schema;
    private final boolean mysql;
    private final String checkpoints;
    private final String leases;
    private final String versions;
    private final String mutations;
    private final String now;

    private Checkpoints(DataSource dataSource, String schema, boolean mysql) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.mysql = mysql;
        this.checkpoints = table("checkpoints");
        this.leases = table("group_leases");
        this.versions = table("versions");
        this.mutations = table("mutations");
        this.now = mysql ? "UTC_TIMESTAMP(6)" : "now()";
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
            return new Checkpoints(staging, schema, true);
        }
        if (product.contains("postgres") || product.contains("cockroach")) {
            return new Checkpoints(staging, schema, false);
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
        List<GroupCheckpoint> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            requireCheckpoints(c);
            boolean withLeases = exists(c, leases);
            String cp = mysql ? "c.resolved, c.applied" : "c.resolved_wall, c.resolved_logical, c.applied_wall, c.applied_logical";
            String sql = withLeases
                    ? "SELECT c.grp, " + cp + ", l.holder, l.epoch, l.expires, l.expires > " + now + " FROM " + checkpoints
                            + " c LEFT JOIN " + leases + " l ON l.grp = c.grp ORDER BY c.grp"
                    : "SELECT c.grp, " + cp + " FROM " + checkpoints + " c ORDER BY c.grp";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    String group = mysql ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : rs.getString(1);
                    int at = mysql ? 4 : 6;
                    out.add(new GroupCheckpoint(group, checkpoint(rs, 2), withLeases ? lease(rs, at) : null));
                }
            }
        }
        return out;
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
            requireCheckpoints(c);
            boolean withLeases = exists(c, leases);
            boolean withVersions = exists(c, versions);
            boolean withMutations = exists(c, mutations);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            Checkpoint before;
            Checkpoint after;
            Lease lease = null;
            long versionsDeleted = 0;
            boolean fenceRestarted = false;
            try {
                before = lockCheckpoint(c, group);
                if (before == null) {
                    c.rollback();
                    throw new IllegalStateException("the staging schema " + schema + " has no checkpoint for group "
                            + group + "; its groups: " + groupNames(c));
                }
                if (withLeases) {
                    lease = lockLease(c, group);
                }
                if (lease != null && lease.live() && !force) {
                    c.rollback();
                    throw new LeaseHeldException(group, lease);
                }
                after = new Checkpoint(min(before.resolved(), to), min(before.applied(), to));
                writeCheckpoint(c, group, after);
                if (withVersions) {
                    versionsDeleted = deleteVersionsAfter(c, group, to);
                }
                if (withLeases) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + leases + " SET incarnation = ? WHERE grp = ?")) {
                        ps.setString(1, UUID.randomUUID().toString());
                        setGroup(ps, 2, group);
                        fenceRestarted = ps.executeUpdate() > 0;
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            long stagedAfter = withMutations ? countAfter(c, group, after.applied()) : 0;
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

    private Checkpoint lockCheckpoint(Connection c, String group) throws SQLException {
        String cols = mysql ? "resolved, applied" : "resolved_wall, resolved_logical, applied_wall, applied_logical";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + checkpoints
                + " WHERE grp = ? FOR UPDATE")) {
            setGroup(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? checkpoint(rs, 1) : null;
            }
        }
    }

    private Lease lockLease(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT holder, epoch, expires, expires > " + now + " FROM "
                + leases + " WHERE grp = ? FOR UPDATE")) {
            setGroup(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? lease(rs, 1) : null;
            }
        }
    }

    private void writeCheckpoint(Connection c, String group, Checkpoint cp) throws SQLException {
        String set = mysql ? "resolved = ?, applied = ?"
                : "resolved_wall = ?, resolved_logical = ?, applied_wall = ?, applied_logical = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + checkpoints + " SET " + set + " WHERE grp = ?")) {
            int at = 1;
            for (Hlc h : new Hlc[] {cp.resolved(), cp.applied()}) {
                if (mysql) {
                    ps.setBigDecimal(at++, decimal(h));
                } else {
                    ps.setLong(at++, h.wall());
                    ps.setLong(at++, h.logical());
                }
            }
            setGroup(ps, at, group);
            ps.executeUpdate();
        }
    }

    private long deleteVersionsAfter(Connection c, String group, Hlc to) throws SQLException {
        String where = mysql ? "ver > ?" : "(wall > ? OR (wall = ? AND logical > ?))";
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND " + where)) {
            setGroup(ps, 1, group);
            if (mysql) {
                ps.setBigDecimal(2, decimal(to));
            } else {
                ps.setLong(2, to.wall());
                ps.setLong(3, to.wall());
                ps.setLong(4, to.logical());
            }
            return ps.executeUpdate();
        }
    }

    private long countAfter(Connection c, String group, Hlc after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + mutations
                + " WHERE grp = ? AND (wall > ? OR (wall = ? AND logical > ?))")) {
            setGroup(ps, 1, group);
            ps.setLong(2, after.wall());
            ps.setLong(3, after.wall());
            ps.setLong(4, after.logical());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<String> groupNames(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT grp FROM " + checkpoints + " ORDER BY grp")) {
            while (rs.next()) {
                out.add(mysql ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : rs.getString(1));
            }
        }
        return out;
    }

    private Checkpoint checkpoint(ResultSet rs, int at) throws SQLException {
        if (mysql) {
            return new Checkpoint(hlc(rs.getBigDecimal(at)), hlc(rs.getBigDecimal(at + 1)));
        }
        return new Checkpoint(new Hlc(rs.getLong(at), (int) rs.getLong(at + 1)),
                new Hlc(rs.getLong(at + 2), (int) rs.getLong(at + 3)));
    }

    /** Reads holder, epoch, expires and whether live from column {@code at} on; null when the row has no lease. */
    private Lease lease(ResultSet rs, int at) throws SQLException {
        String holder = rs.getString(at);
        if (holder == null) {
            return null;
        }
        Instant expires;
        if (mysql) {
            LocalDateTime t = rs.getObject(at + 2, LocalDateTime.class);
            expires = t == null ? null : t.toInstant(ZoneOffset.UTC);
        } else {
            OffsetDateTime t = rs.getObject(at + 2, OffsetDateTime.class);
            expires = t == null ? null : t.toInstant();
        }
        return new Lease(holder, rs.getLong(at + 1), expires, !holder.isEmpty() && rs.getBoolean(at + 3));
    }

    private void requireCheckpoints(Connection c) throws SQLException {
        if (!exists(c, checkpoints)) {
            throw new IllegalStateException("the staging schema " + schema + " has no checkpoints table (" + checkpoints
                    + "): check the staging connection and schema");
        }
    }

    /** Whether a table can be read; run outside a transaction (a failed statement would abort it on PostgreSQL). */
    private static boolean exists(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            String state = String.valueOf(e.getSQLState());
            if (state.equals("42P01") || state.equals("42S02") || state.equals("3F000")
                    || state.equals("42000") && e.getErrorCode() == 1049) {
                return false; // undefined table (PostgreSQL, MySQL), undefined schema, unknown database (MySQL)
            }
            throw e;
        }
    }

    private void setGroup(PreparedStatement ps, int index, String group) throws SQLException {
        if (mysql) {
            ps.setBytes(index, group.getBytes(StandardCharsets.UTF_8));
        } else {
            ps.setString(index, group);
        }
    }

    private String table(String name) {
        if (mysql) {
            return quote(schema, '`') + ".`" + name + "`";
        }
        return quote(schema, '"') + "." + name;
    }

    private String quote(String name, char q) {
        StringBuilder sb = new StringBuilder();
        for (String part : mysql ? new String[] {name} : name.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(q).append(part.replace(String.valueOf(q), String.valueOf(q) + q)).append(q);
        }
        return sb.toString();
    }

    private static BigDecimal decimal(Hlc h) {
        return new BigDecimal(BigInteger.valueOf(h.wall()).multiply(TEN_BILLION).add(BigInteger.valueOf(h.logical())));
    }

    private static Hlc hlc(BigDecimal d) {
        BigInteger[] qr = d.toBigIntegerExact().divideAndRemainder(TEN_BILLION);
        return new Hlc(qr[0].longValueExact(), qr[1].intValueExact());
    }

    private static Hlc min(Hlc a, Hlc b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "Checkpoints[" + schema + "]";
    }
}
