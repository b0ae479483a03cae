package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships rows to MySQL/MariaDB set-wise; the two {@link MySqlApplyTechnique techniques} differ only in
 * how the {@code INSERT ... ON DUPLICATE KEY UPDATE} rows travel. Thread-safe.
 *
 * <p>Rows are grouped by the JSON keys they carry; each group writes only its columns (so a missing
 * column keeps its value on update and gets its default on insert), generated columns never.
 */
abstract class Writer implements AbstractDialect.RowWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlDialect.class);

    /** The most placeholders one server-side prepared statement may carry. */
    static final int MAX_BIND_PARAMETERS = 65_535;
    /** The MySQL error number of a duplicate key ({@code ER_DUP_ENTRY}). */
    static final int ER_DUP_ENTRY = 1062;
    private static final String ALIAS = "failback_new";

    final OdkuForm form;
    final boolean mysql;
    final Limits limits;
    private final AtomicLong maxPacket = new AtomicLong(-1);
    /** Per folded table name: whether upserts are guarded (the table has secondary unique keys). */
    private final Map<TableName, Boolean> guarded = new ConcurrentHashMap<>();

    Writer(OdkuForm form, boolean mysql, Limits limits) {
        this.form = form;
        this.mysql = mysql;
        this.limits = limits;
    }

    static Writer of(MySqlApplyTechnique technique, OdkuForm form, boolean mysql, Limits limits) {
        switch (technique) {
            case MULTI_ROW:
                return new MultiRowWriter(form, mysql, limits);
            case BATCH_REWRITE:
                return new BatchWriter(form, mysql, limits);
            default:
                throw new IllegalArgumentException("unknown technique " + technique);
        }
    }

    /**
     * Remembers which tables of a schema just read have unique keys besides their primary key: their
     * upserts are guarded (see {@link MySqlDialect}), as are those of tables never read.
     *
     * @param read the schema read
     * @return its tables
     */
    final TargetSchema guard(SchemaReader.Result read) {
        for (TableInfo t : read.schema().tables().values()) {
            Map<String, List<String>> unique = read.uniqueKeys().get(t.name().name());
            guarded.put(t.name().folded(), unique != null && !unique.isEmpty());
            if (unique != null) {
                LOG.debug("{} has unique keys besides its primary key {}: upserts are guarded", t.name(), unique);
            }
        }
        return read.schema();
    }

    @Override
    public final void upsert(Connection c, TableInfo table, List<Mutation> rows) throws SQLException {
        upsert(c, table, rows, guarded.getOrDefault(table.name().folded(), Boolean.TRUE));
    }

    /**
     * Upserts rows.
     *
     * @param guarded whether the table has unique keys besides the primary key (or may have): then an
     *                update never touches a row with another primary key, and rows left unwritten fail
     */
    final void upsert(Connection c, TableInfo table, List<Mutation> rows, boolean guarded) throws SQLException {
        List<Shape.Rows> groups = Shape.rows(table, rows);
        boolean utc = false;
        for (Shape.Rows group : groups) {
            utc |= hasTimestamp(group.shape().columns());
        }
        List<ColumnInfo> pk = Shape.keyColumns(table);
        try (SessionUtc ignored = SessionUtc.enter(c, utc)) {
            for (Shape.Rows group : groups) {
                upsert(c, new Statement(table, group.shape(), pk, form, mysql, guarded), group.values());
            }
        }
    }

    @Override
    public final void delete(Connection c, TableInfo table, List<Mutation> rows) throws SQLException {
        List<ColumnInfo> pk = Shape.keyColumns(table);
        List<Json.Value[]> keys = new ArrayList<>(rows.size());
        for (List<Json.Value> key : Shape.keyValues(table, rows)) {
            keys.add(key.toArray(new Json.Value[0]));
        }
        try (SessionUtc ignored = SessionUtc.enter(c, hasTimestamp(pk))) {
            delete(c, table, pk, keys);
        }
    }

    /** Ships one group of rows that share their columns. */
    abstract void upsert(Connection c, Statement upsert, List<Json.Value[]> rows) throws SQLException;

    /** Deletes by key. */
    abstract void delete(Connection c, TableInfo table, List<ColumnInfo> pk, List<Json.Value[]> keys)
            throws SQLException;

    /**
     * For a guarded upsert: fails when a row of {@code rows[from, from + n)} is not in the table under
     * its primary key after the upsert, which means it collided with another row on a secondary unique
     * key (the guard left that row untouched).
     */
    final void verify(Connection c, Statement upsert, List<Json.Value[]> rows, int from, int n) throws SQLException {
        if (!upsert.guarded) {
            return;
        }
        for (int k : upsert.pkIndex) {
            if (k < 0) {
                return; // a generated key column is not written, so its value cannot be looked up
            }
        }
        int width = upsert.pk.size();
        int per = Math.max(1, Math.min(limits.maxRows(), MAX_BIND_PARAMETERS / width));
        for (int start = from; start < from + n; start += per) {
            int m = Math.min(per, from + n - start);
            String sql = "SELECT COUNT(*) FROM " + Sql.table(upsert.table.name()) + " WHERE " + Sql.keyIn(upsert.pk, m);
            long found;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (int r = start; r < start + m; r++) {
                    Json.Value[] row = rows.get(r);
                    for (int k = 0; k < width; k++) {
                        Values.bind(ps, p++, row[upsert.pkIndex[k]], upsert.pkTypes[k]);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    found = rs.getLong(1);
                }
            }
            if (found < m) {
                List<String> sample = new ArrayList<>();
                for (int r = start; r < start + m && sample.size() < 5; r++) {
                    StringBuilder key = new StringBuilder("[");
                    for (int k = 0; k < width; k++) {
                        key.append(k == 0 ? "" : ", ").append(rows.get(r)[upsert.pkIndex[k]].json());
                    }
                    sample.add(key.append(']').toString());
                }
                throw new SQLIntegrityConstraintViolationException("Duplicate entry: " + (m - found) + " of " + m
                        + " rows upserted into " + upsert.table.name() + " collide with other rows on a unique key"
                        + " other than the primary key; those rows were left unchanged (keys of the chunk, first 5: "
                        + sample + ")", "23000", ER_DUP_ENTRY);
            }
        }
    }

    /** The budget of statement bytes: {@code max_allowed_packet} (read once) less a margin, at most {@code maxBytes}. */
    final long packetBudget(Connection c) throws SQLException {
        long packet = maxPacket.get();
        if (packet < 0) {
            try (java.sql.Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
                packet = rs.next() ? rs.getLong(1) : 4L << 20;
            }
            maxPacket.set(packet);
        }
        return Math.max(64 << 10, Math.min(limits.maxBytes(), packet - (32 << 10)));
    }

    private static boolean hasTimestamp(List<ColumnInfo> columns) {
        for (ColumnInfo c : columns) {
            if (MyType.of(c).category() == MyType.Category.TIMESTAMP) {
                return true;
            }
        }
        return false;
    }

    /**
     * One group's upsert: SQL pieces and the columns' types. Immutable.
     */
    static final class Statement {
        final TableInfo table;
        final List<ColumnInfo> columns;
        final MyType[] types;
        final List<ColumnInfo> pk;
        final int[] pkIndex;
        final MyType[] pkTypes;
        final boolean guarded;
        /** {@code INSERT INTO t (a, b) VALUES }. */
        final String head;
        /** {@code (?, ?)}. */
        final String row;
        /** {@code AS failback_new ON DUPLICATE KEY UPDATE ...}. */
        final String tail;

        Statement(TableInfo table, Shape shape, List<ColumnInfo> pk, OdkuForm form, boolean mysql, boolean guarded) {
            this.table = table;
            this.columns = shape.columns();
            this.pk = pk;
            this.guarded = guarded;
            this.types = new MyType[columns.size()];
            StringBuilder row = new StringBuilder("(");
            for (int i = 0; i < types.length; i++) {
                types[i] = MyType.of(columns.get(i));
                row.append(i == 0 ? "" : ", ").append(Values.placeholder(types[i], mysql));
            }
            this.row = row.append(')').toString();
            this.pkIndex = new int[pk.size()];
            this.pkTypes = new MyType[pk.size()];
            for (int k = 0; k < pk.size(); k++) {
                pkIndex[k] = columns.indexOf(pk.get(k));
                pkTypes[k] = MyType.of(pk.get(k));
            }
            StringBuilder head = new StringBuilder("INSERT INTO ").append(Sql.table(table.name())).append(" (");
            this.head = Sql.names(head, columns).append(") VALUES ").toString();
            this.tail = tail(form, guarded);
        }

        private String tail(OdkuForm form, boolean guarded) {
            StringBuilder b = new StringBuilder(form == OdkuForm.ALIAS ? " AS " + ALIAS : "");
            b.append(" ON DUPLICATE KEY UPDATE ");
            String same = null;
            if (guarded) {
                StringBuilder cond = new StringBuilder();
                for (ColumnInfo k : pk) {
                    cond.append(cond.length() == 0 ? "" : " AND ").append(Sql.quote(k.name())).append(" <=> ")
                            .append(proposed(form, k));
                }
                same = cond.toString();
            }
            boolean any = false;
            for (ColumnInfo c : columns) {
                if (pk.contains(c)) {
                    continue;
                }
                String q = Sql.quote(c.name());
                b.append(any ? ", " : "").append(q).append(" = ");
                if (same == null) {
                    b.append(proposed(form, c));
                } else {
                    b.append("IF(").append(same).append(", ").append(proposed(form, c)).append(", ").append(q).append(')');
                }
                any = true;
            }
            if (!any) {
                // only key columns: a no-op update (unlike INSERT IGNORE, it does not turn errors into warnings)
                String q = Sql.quote(pk.get(0).name());
                b.append(q).append(" = ").append(q);
            }
            return b.toString();
        }

        private static String proposed(OdkuForm form, ColumnInfo c) {
            return form == OdkuForm.ALIAS ? ALIAS + "." + Sql.quote(c.name()) : "VALUES(" + Sql.quote(c.name()) + ")";
        }

        /** Binds row {@code r}'s values from parameter {@code first}; returns the next parameter index. */
        int bind(PreparedStatement ps, int first, Json.Value[] r) throws SQLException {
            int p = first;
            for (int i = 0; i < r.length; i++) {
                Values.bind(ps, p++, r[i], types[i]);
            }
            return p;
        }
    }

    /** How the update part of ON DUPLICATE KEY UPDATE names the proposed row. */
    enum OdkuForm {
        /** MySQL 8.0.19+: {@code INSERT ... VALUES (...) AS new ON DUPLICATE KEY UPDATE c = new.c}. */
        ALIAS,
        /** MariaDB and older MySQL: {@code ON DUPLICATE KEY UPDATE c = VALUES(c)} (deprecated on MySQL 8.0.20+). */
        VALUES_FUNCTION
    }

    /**
     * How big one statement may get.
     *
     * @param maxRows  rows per statement or batch
     * @param maxBytes statement bytes (also bounded by the server's {@code max_allowed_packet}); a single bigger row still goes
     */
    record Limits(int maxRows, long maxBytes) {

        /** 10,000 rows or 8 MiB per statement. */
        static final Limits DEFAULT = new Limits(10_000, 8L << 20);

        Limits {
            if (maxRows < 1) {
                throw new IllegalArgumentException("maxRows must be >= 1, but was " + maxRows);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be >= 1, but was " + maxBytes);
            }
        }
    }

    /**
     * Sets the session time zone to UTC while TIMESTAMP columns are written or compared, and restores
     * the previous one afterwards.
     */
    static final class SessionUtc implements AutoCloseable {
        private static final SessionUtc NONE = new SessionUtc(null);
        private final Connection connection;

        private SessionUtc(Connection connection) {
            this.connection = connection;
        }

        static SessionUtc enter(Connection c, boolean needed) throws SQLException {
            if (!needed) {
                return NONE;
            }
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SET @failback_time_zone = @@session.time_zone, @@session.time_zone = '+00:00'");
            }
            return new SessionUtc(c);
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                try (java.sql.Statement s = connection.createStatement()) {
                    s.execute("SET @@session.time_zone = @failback_time_zone");
                }
            }
        }
    }
}
