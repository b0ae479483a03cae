package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.StagedWrites;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent mode's window applied from the staging table by SQL on the target server, when staging is a
 * schema of the target database itself: per table, the staged rows of the window are folded to each key's
 * last change ({@code DISTINCT ON}), then deleted child tables first and upserted parent tables first by the
 * dialect's {@link StagedWrites}, in one target transaction under the window's guard. The rows never cross
 * the JVM, which otherwise reads, parses and sends each of them again.
 *
 * <p>Only the common case goes this way; anything else is left to the {@link WindowApplier}, which reads the
 * window as before: a window of more than the bound, a table the snapshot lacks or spells two ways, a table
 * with a {@code TableTransform}, a self-reference, a key that can merge keys or a column the dialect cannot
 * write from SQL, and every window whose rows do not each carry exactly the table's columns (a row that
 * lacks one must leave it untouched) or that the target refuses (constraints, bad data, schema drift: the
 * Java path finds the poison row, fits the drift, writes dead letters). A transient failure is thrown, as
 * the Java path's would be. Thread-safe.
 */
public final class StagedApply {
    private static final Logger LOG = LoggerFactory.getLogger(StagedApply.class);

    private final WindowApplier applier;
    private final String mutations;
    private final int maxRows;
    private final LongAdder applied = new LongAdder();
    private final LongAdder declined = new LongAdder();

    private StagedApply(WindowApplier applier, String mutations, int maxRows) {
        this.applier = applier;
        this.mutations = mutations;
        this.maxRows = maxRows;
    }

    /**
     * The shortcut, when staging's mutations table is in the target database and the target's dialect writes
     * from SQL; else null (said at INFO when it is on).
     *
     * @param applier   the window applier (target, dialect)
     * @param staging   the staging database
     * @param mutations the mutations table's quoted, qualified name, when staging speaks PostgreSQL's SQL; or null
     * @param maxRows   the most mutations a window applied this way may have
     * @param name      the pipeline's name, for the log
     * @return the shortcut, or null
     */
    public static StagedApply detect(WindowApplier applier, DataSource staging, String mutations, int maxRows,
            String name) {
        if (mutations == null) {
            return null;
        }
        try {
            List<Object> target = identity(applier.target(), mutations);
            List<Object> stage = identity(staging, mutations);
            if (target.get(3) == null || !target.equals(stage)) {
                return null;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("{} - windows are read from staging: the target cannot be compared with it ({})", name,
                    e.getMessage());
            return null;
        }
        LOG.info("{} - staging is in the target database: windows are applied from {} by SQL on the server",
                name, mutations);
        return new StagedApply(applier, mutations, maxRows);
    }

    /** Which server and database a connection reaches, and the mutations table there (null when it has none). */
    private static List<Object> identity(DataSource ds, String mutations) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT current_database(), pg_postmaster_start_time()::text,"
                        + " inet_server_port(), to_regclass(?)::oid::int8, has_table_privilege(to_regclass(?), 'SELECT')")) {
            ps.setString(1, mutations);
            ps.setString(2, mutations);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<Object> id = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    id.add(rs.getObject(i));
                }
                if (!Boolean.TRUE.equals(id.get(4))) {
                    id.set(3, null); // the target's user cannot read staging
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return id.subList(0, 4);
            }
        }
    }

    /** Windows applied this way. */
    public long applied() {
        return applied.sum();
    }

    /** Windows left to the Java path after a look at staging (not counting those over the bound). */
    public long declined() {
        return declined.sum();
    }

    /**
     * A committed window: what changed and how many staged mutations it consumed.
     *
     * @param result what changed
     * @param size   the staged mutations of the window
     * @param walls  their wall times (for the age metric)
     * @param upTo   where the window ends: the checkpoint it leaves
     */
    public record Applied(WindowApplier.Result result, int size, long[] walls, Hlc upTo) {
    }

    /** One table's staged rows in the window. */
    private record Staged(TableInfo info, String schema, String table, long rows, long deletes, Long[] walls) {
    }

    /**
     * Applies the next window of a group from staging, or declines it: the mutations after {@code from} up to
     * the source transaction that holds the {@code flushSize}-th of them (never beyond {@code to}), as the Java
     * path cuts its windows.
     *
     * @param schema    the target schema snapshot
     * @param group     the group (as staged)
     * @param from      the applied checkpoint
     * @param to        the resolved timestamp
     * @param flushSize the mutations a window should hold
     * @param guards    the guard of a window ending at a given timestamp (null for none)
     * @return what was applied, or null when the window is left to the Java path (nothing written)
     * @throws SQLException when the target fails transiently (nothing committed)
     */
    public Applied apply(TargetSchema schema, String group, Hlc from, Hlc to, int flushSize,
            java.util.function.Function<Hlc, WindowApplier.Guard> guards) throws SQLException {
        if (applier.hasTableTransforms()) {
            return null;
        }
        try (Connection c = applier.target().getConnection()) {
            applier.prepare(c);
            try {
                Hlc upTo = cut(c, group, from, to, flushSize);
                List<Staged> staged = stagedTables(c, schema, group, from, upTo);
                if (staged == null) {
                    c.rollback();
                    return null;
                }
                int size = 0;
                for (Staged s : staged) {
                    size += (int) s.rows;
                }
                if (size == 0) {
                    c.rollback();
                    return new Applied(new WindowApplier.Result(0, 0), 0, new long[0], upTo);
                }
                WindowApplier.Guard guard = guards.apply(upTo);
                if (guard != null) {
                    guard.begin(c, List.of());
                }
                WindowApplier.Result r = write(c, staged, group, from, upTo);
                if (r == null) {
                    c.rollback();
                    declined.increment();
                    return null;
                }
                if (guard != null) {
                    guard.beforeCommit(c, List.of());
                }
                c.commit();
                applied.increment();
                long[] walls = new long[size];
                int at = 0;
                for (Staged s : staged) {
                    for (Long w : s.walls) {
                        walls[at++] = w;
                    }
                }
                return new Applied(r, size, walls, upTo);
            } catch (SQLException e) {
                Transactions.rollbackQuietly(c, e);
                if (applier.dialect().classify(e) == ErrorKind.TRANSIENT) {
                    throw e;
                }
                declined.increment();
                LOG.debug("window of {} after {} refused from staging ({}); reading it instead", group, from,
                        e.getMessage());
                return null;
            } catch (RuntimeException e) {
                Transactions.rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /** Where a window starting after {@code from} ends: the timestamp of its {@code flushSize}-th mutation, or {@code to}. */
    private Hlc cut(Connection c, String group, Hlc from, Hlc to, int flushSize) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT wall, logical FROM " + mutations
                + " WHERE grp = ? AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)"
                + " ORDER BY wall, logical OFFSET ? LIMIT 1")) {
            int i = bindWindow(ps, 1, group, from, to);
            ps.setInt(i, Math.max(0, flushSize - 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Hlc(rs.getLong(1), (int) rs.getLong(2)) : to;
            }
        }
    }

    /**
     * The tables of the window with their counts, parents first; null when the window must take the Java path.
     */
    private List<Staged> stagedTables(Connection c, TargetSchema schema, String group, Hlc from, Hlc to)
            throws SQLException {
        List<Staged> staged = new ArrayList<>();
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT tschema, tbl, count(*), count(*) FILTER (WHERE after IS NULL), array_agg(wall)"
                + " FROM " + mutations + " WHERE grp = ? AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?)"
                + " AND (wall, logical) <= (?, ?) GROUP BY tschema, tbl")) {
            bindWindow(ps, 1, group, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tschema = rs.getString(1);
                    String tbl = rs.getString(2);
                    TableInfo info = schema.table(new TableName(tschema, tbl));
                    staged.add(new Staged(info, tschema, tbl, rs.getLong(3), rs.getLong(4), (Long[]) rs.getArray(5).getArray()));
                    total += rs.getLong(3);
                }
            }
        }
        if (total > maxRows) {
            return null;
        }
        Set<TableName> hazardous = applier.hazardous(schema);
        Map<TableName, Staged> byTable = new HashMap<>();
        for (Staged s : staged) {
            if (s.info == null || byTable.put(s.info.name().folded(), s) != null) {
                return null; // a table the snapshot lacks, or spelled two ways (one key, two staged names)
            }
            TableName self = s.info.name().folded();
            if (!s.info.selfReferences().isEmpty() || s.info.parents().stream().anyMatch(p -> p.folded().equals(self))
                    || hazardous.contains(self) || applier.dialect().stagedWrites(s.info).isEmpty()) {
                return null;
            }
        }
        List<Staged> ordered = new ArrayList<>(staged.size());
        List<TableInfo> infos = new ArrayList<>();
        staged.forEach(s -> infos.add(s.info));
        for (TableInfo t : TableOrder.parentsFirst(infos)) {
            ordered.add(byTable.get(t.name().folded()));
        }
        return ordered;
    }

    /** Deletes child tables first, then upserts parent tables first; null when a table's rows do not fit. */
    private WindowApplier.Result write(Connection c, List<Staged> tables, String group, Hlc from, Hlc to)
            throws SQLException {
        Map<String, int[]> perTable = new LinkedHashMap<>();
        int deletes = 0;
        int upserts = 0;
        List<Staged> childrenFirst = new ArrayList<>(tables);
        Collections.reverse(childrenFirst);
        for (Staged s : childrenFirst) {
            if (s.deletes == 0) {
                continue;
            }
            StagedWrites writes = applier.dialect().stagedWrites(s.info).orElseThrow();
            long[] n = run(c, fold() + ", d AS (" + writes.delete("(SELECT key FROM f WHERE j IS NULL)")
                    + ") SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM f WHERE j IS NULL)", s, group, from, to,
                    false);
            deletes += (int) n[1];
            perTable.computeIfAbsent(s.info.name().name(), k -> new int[2])[1] += (int) n[1];
        }
        for (Staged s : tables) {
            if (s.rows == s.deletes) {
                continue; // deletes only
            }
            StagedWrites writes = applier.dialect().stagedWrites(s.info).orElseThrow();
            List<String> all = new ArrayList<>();
            List<String> writable = new ArrayList<>();
            for (dev.failback.spi.ColumnInfo col : s.info.columns()) {
                all.add(col.name());
                if (!col.generated()) {
                    writable.add(col.name());
                }
            }
            // each row image carries every written column by its exact name and nothing else: what json_to_record
            // reads is what the Java path would write (a missing column there keeps its value; here it would be NULL)
            String fits = "(SELECT bool_and(k = ANY(?::text[])) AND count(*) FILTER (WHERE k = ANY(?::text[])) = ?"
                    + " FROM json_object_keys(f.j) AS k)";
            long[] n = run(c, fold() + ", w AS (" + writes.upsert("(SELECT j FROM f WHERE j IS NOT NULL AND " + fits + ")")
                    + ") SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM f WHERE j IS NOT NULL)", s, group,
                    from, to, true, all.toArray(new String[0]), writable.toArray(new String[0]), writable.size());
            if (n[0] != n[1]) {
                LOG.debug("{} of {} row images of {} in a window of {} do not carry exactly its columns; reading it"
                        + " instead", n[1] - n[0], n[1], s.info.name(), group);
                return null;
            }
            upserts += (int) n[0];
            perTable.computeIfAbsent(s.info.name().name(), k -> new int[2])[0] += (int) n[0];
        }
        return new WindowApplier.Result(upserts, deletes, perTable);
    }

    /** The {@code WITH} clause folding a table's staged rows in the window to each key's last change. */
    private String fold() {
        return "WITH f AS MATERIALIZED (SELECT DISTINCT ON (key) key, after::json AS j FROM " + mutations
                + " WHERE grp = ? AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)"
                + " AND tschema = ? AND tbl = ? ORDER BY key, wall DESC, logical DESC)";
    }

    private static long[] run(Connection c, String sql, Staged s, String group, Hlc from, Hlc to, boolean fits,
            Object... shape) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindWindow(ps, 1, group, from, to);
            ps.setString(i++, s.schema);
            ps.setString(i++, s.table);
            if (fits) {
                ps.setArray(i++, c.createArrayOf("text", (Object[]) shape[0]));
                ps.setArray(i++, c.createArrayOf("text", (Object[]) shape[1]));
                ps.setInt(i, (Integer) shape[2]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static int bindWindow(PreparedStatement ps, int i, String group, Hlc from, Hlc to) throws SQLException {
        ps.setString(i++, group);
        ps.setLong(i++, from.wall());
        ps.setLong(i++, to.wall());
        ps.setLong(i++, from.wall());
        ps.setLong(i++, from.logical());
        ps.setLong(i++, to.wall());
        ps.setLong(i++, to.logical());
        return i;
    }

    @Override
    public String toString() {
        return "StagedApply[" + mutations + ", maxRows=" + maxRows + "]";
    }
}
