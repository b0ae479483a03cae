package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@link MySqlApplyTechnique#MULTI_ROW}: one {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY
 * UPDATE} per chunk, built here, and {@code DELETE ... WHERE key IN (...)} per chunk. A chunk holds at
 * most {@value Writer#MAX_BIND_PARAMETERS} placeholders and fits {@code max_allowed_packet}.
 */
final class MultiRowWriter extends Writer {

    MultiRowWriter(OdkuForm form, boolean mysql, Limits limits) {
        super(form, mysql, limits);
    }

    @Override
    void upsert(Connection c, Statement upsert, List<Json.Value[]> rows) throws SQLException {
        run(c, rows, upsert.columns.size(), n -> {
            StringBuilder b = new StringBuilder(upsert.head.length() + upsert.tail.length()
                    + n * (upsert.row.length() + 2));
            b.append(upsert.head);
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(upsert.row);
            }
            return b.append(upsert.tail).toString();
        }, (from, n) -> verify(c, upsert, rows, from, n), upsert.types);
    }

    @Override
    void delete(Connection c, TableInfo table, List<ColumnInfo> pk, List<Json.Value[]> keys) throws SQLException {
        MyType[] types = new MyType[pk.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = MyType.of(pk.get(i));
        }
        String head = "DELETE FROM " + Sql.table(table.name()) + " WHERE ";
        run(c, keys, pk.size(), n -> head + Sql.keyIn(pk, n), null, types);
    }

    private interface After {
        void run(int from, int n) throws SQLException;
    }

    private void run(Connection c, List<Json.Value[]> rows, int width, IntFunction<String> sql, After after,
            MyType[] types) throws SQLException {
        int perStatement = Math.max(1, Math.min(limits.maxRows(), MAX_BIND_PARAMETERS / Math.max(1, width)));
        long budget = packetBudget(c);
        PreparedStatement full = null;
        try {
            int from = 0;
            while (from < rows.size()) {
                int n = chunk(rows, from, perStatement, budget);
                if (n == perStatement) {
                    if (full == null) {
                        full = c.prepareStatement(sql.apply(n));
                    }
                    bindAndRun(full, rows, from, n, types);
                } else {
                    try (PreparedStatement partial = c.prepareStatement(sql.apply(n))) {
                        bindAndRun(partial, rows, from, n, types);
                    }
                }
                if (after != null) {
                    after.run(from, n);
                }
                from += n;
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    /** Rows from {@code from} that fit one statement: at most {@code max} and about {@code budget} bytes. */
    private static int chunk(List<Json.Value[]> rows, int from, int max, long budget) {
        long bytes = 0;
        int n = 0;
        while (from + n < rows.size() && n < max) {
            long size = 8;
            for (Json.Value v : rows.get(from + n)) {
                size += Values.size(v);
            }
            if (n > 0 && bytes + size > budget) {
                break;
            }
            bytes += size;
            n++;
        }
        return n;
    }

    private static void bindAndRun(PreparedStatement ps, List<Json.Value[]> rows, int from, int n, MyType[] types)
            throws SQLException {
        int p = 1;
        for (int r = from; r < from + n; r++) {
            Json.Value[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                Values.bind(ps, p++, row[i], types[i]);
            }
        }
        ps.executeUpdate();
    }
}
