package dev.failback.core.admin;

import dev.failback.Hlc;
import dev.failback.core.internal.HlcBounds;
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
import java.util.UUID;

/**
 * The staging tables {@link Checkpoints} reads and changes ({@code checkpoints}, {@code group_leases},
 * {@code versions}, {@code mutations}), in the SQL of one family: PostgreSQL and CockroachDB
 * (timestamps in wall and logical columns) or MySQL and MariaDB (one {@code DECIMAL}, groups as bytes,
 * the schema a database). Every method works on the connection it is given. Immutable, thread-safe.
 */
final class CheckpointTables {
    private static final BigInteger TEN_BILLION = BigInteger.valueOf(10_000_000_000L);

    final String checkpoints;
    final String leases;
    final String versions;
    final String mutations;
    private final String schema;
    private final boolean mysql;
    private final String now;

    CheckpointTables(String schema, boolean mysql) {
        this.schema = schema;
        this.mysql = mysql;
        this.checkpoints = table("checkpoints");
        this.leases = table("group_leases");
        this.versions = table("versions");
        this.mutations = table("mutations");
        this.now = mysql ? "UTC_TIMESTAMP(6)" : "now()";
    }

    /** The staging schema (a database on MySQL). */
    String schema() {
        return schema;
    }

    /** Reads every group's checkpoint (and lease, {@code withLeases}), ordered by group. */
    List<Checkpoints.GroupCheckpoint> readAll(Connection c, boolean withLeases) throws SQLException {
        List<Checkpoints.GroupCheckpoint> out = new ArrayList<>();
        String cp = mysql ? "c.resolved, c.applied" : "c.resolved_wall, c.resolved_logical, c.applied_wall, c.applied_logical";
        String sql = withLeases
                ? "SELECT c.grp, " + cp + ", l.holder, l.epoch, l.expires, l.expires > " + now + " FROM " + checkpoints
                        + " c LEFT JOIN " + leases + " l ON l.grp = c.grp ORDER BY c.grp"
                : "SELECT c.grp, " + cp + " FROM " + checkpoints + " c ORDER BY c.grp";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String group = mysql ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : rs.getString(1);
                int at = mysql ? 4 : 6;
                out.add(new Checkpoints.GroupCheckpoint(group, checkpoint(rs, 2), withLeases ? lease(rs, at) : null));
            }
        }
        return out;
    }

    /** Gives the group a new incarnation, so that the target's fence starts over; whether it has a lease row. */
    boolean restartFence(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + leases + " SET incarnation = ? WHERE grp = ?")) {
            ps.setString(1, UUID.randomUUID().toString());
            setGroup(ps, 2, group);
            return ps.executeUpdate() > 0;
        }
    }

    Checkpoint lockCheckpoint(Connection c, String group) throws SQLException {
        String cols = mysql ? "resolved, applied" : "resolved_wall, resolved_logical, applied_wall, applied_logical";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + checkpoints
                + " WHERE grp = ? FOR UPDATE")) {
            setGroup(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? checkpoint(rs, 1) : null;
            }
        }
    }

    Checkpoints.Lease lockLease(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT holder, epoch, expires, expires > " + now + " FROM "
                + leases + " WHERE grp = ? FOR UPDATE")) {
            setGroup(ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? lease(rs, 1) : null;
            }
        }
    }

    void writeCheckpoint(Connection c, String group, Checkpoint cp) throws SQLException {
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

    long deleteVersionsAfter(Connection c, String group, Hlc to) throws SQLException {
        String where = mysql ? "ver > ?" : HlcBounds.AFTER;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND " + where)) {
            setGroup(ps, 1, group);
            if (mysql) {
                ps.setBigDecimal(2, decimal(to));
            } else {
                HlcBounds.bind(ps, 2, to);
            }
            return ps.executeUpdate();
        }
    }

    long countAfter(Connection c, String group, Hlc after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + mutations
                + " WHERE grp = ? AND " + HlcBounds.AFTER)) {
            setGroup(ps, 1, group);
            HlcBounds.bind(ps, 2, after);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<String> groupNames(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT grp FROM " + checkpoints + " ORDER BY grp")) {
            while (rs.next()) {
                out.add(mysql ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : rs.getString(1));
            }
        }
        return out;
    }

    Checkpoint checkpoint(ResultSet rs, int at) throws SQLException {
        if (mysql) {
            return new Checkpoint(hlc(rs.getBigDecimal(at)), hlc(rs.getBigDecimal(at + 1)));
        }
        return new Checkpoint(new Hlc(rs.getLong(at), (int) rs.getLong(at + 1)),
                new Hlc(rs.getLong(at + 2), (int) rs.getLong(at + 3)));
    }

    /** Reads holder, epoch, expires and whether live from column {@code at} on; null when the row has no lease. */
    Checkpoints.Lease lease(ResultSet rs, int at) throws SQLException {
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
        return new Checkpoints.Lease(holder, rs.getLong(at + 1), expires, !holder.isEmpty() && rs.getBoolean(at + 3));
    }

    void requireCheckpoints(Connection c) throws SQLException {
        if (!exists(c, checkpoints)) {
            throw new IllegalStateException("the staging schema " + schema + " has no checkpoints table (" + checkpoints
                    + "): check the staging connection and schema");
        }
    }

    /** Whether a table can be read; run outside a transaction (a failed statement would abort it on PostgreSQL). */
    static boolean exists(Connection c, String table) throws SQLException {
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

    void setGroup(PreparedStatement ps, int index, String group) throws SQLException {
        if (mysql) {
            ps.setBytes(index, group.getBytes(StandardCharsets.UTF_8));
        } else {
            ps.setString(index, group);
        }
    }

    String table(String name) {
        if (mysql) {
            return quote(schema, '`') + ".`" + name + "`";
        }
        return quote(schema, '"') + "." + name;
    }

    String quote(String name, char q) {
        StringBuilder sb = new StringBuilder();
        for (String part : mysql ? new String[] {name} : name.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(q).append(part.replace(String.valueOf(q), String.valueOf(q) + q)).append(q);
        }
        return sb.toString();
    }

    static BigDecimal decimal(Hlc h) {
        return new BigDecimal(BigInteger.valueOf(h.wall()).multiply(TEN_BILLION).add(BigInteger.valueOf(h.logical())));
    }

    static Hlc hlc(BigDecimal d) {
        BigInteger[] qr = d.toBigIntegerExact().divideAndRemainder(TEN_BILLION);
        return new Hlc(qr[0].longValueExact(), qr[1].intValueExact());
    }
}
