package dev.failback.dialect.postgres;

import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@link ApplyTechnique#VALUES}: multi-row {@code VALUES (?::type, ...), ...} with every value bound as
 * text, at most {@value Writer#MAX_BIND_PARAMETERS} parameters per statement.
 */
final class ValuesWriter extends TextWriter {

    ValuesWriter(UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        super(syntax, limits, keyCast);
    }

    @Override
    void upsert(Connection connection, TableInfo table, List<ColumnInfo> columns, List<String[]> texts)
            throws SQLException {
        String head = syntax.head(table, columns);
        String tail = syntax.tail(table, columns);
        String tuple = tuple(columns, Sql::convert);
        run(connection, texts, columns.size(), n -> head + "VALUES " + repeat(tuple, n) + tail);
    }

    @Override
    void delete(Connection connection, TableInfo table, List<ColumnInfo> pk, List<String[]> keys) throws SQLException {
        StringBuilder head = new StringBuilder("DELETE FROM ").append(Sql.table(table.name())).append(" WHERE (");
        UpsertSyntax.appendNames(head, pk);
        head.append(") IN (");
        String tuple = tuple(pk, keyCast::convert);
        run(connection, keys, pk.size(), n -> head + repeat(tuple, n) + ")");
    }

    private void run(Connection connection, List<String[]> rows, int width, java.util.function.IntFunction<String> sql)
            throws SQLException {
        int perStatement = Math.max(1, Math.min(limits.maxRows(), MAX_BIND_PARAMETERS / Math.max(1, width)));
        PreparedStatement full = null;
        try {
            int from = 0;
            while (from < rows.size()) {
                int n = chunk(rows, from, perStatement);
                PreparedStatement ps;
                if (n == perStatement) {
                    if (full == null) {
                        full = connection.prepareStatement(sql.apply(n));
                    }
                    ps = full;
                    bindAndRun(ps, rows, from, n);
                } else {
                    try (PreparedStatement partial = connection.prepareStatement(sql.apply(n))) {
                        bindAndRun(partial, rows, from, n);
                    }
                }
                from += n;
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    private static void bindAndRun(PreparedStatement ps, List<String[]> rows, int from, int n) throws SQLException {
        int p = 1;
        for (int r = from; r < from + n; r++) {
            for (String value : rows.get(r)) {
                ps.setString(p++, value);
            }
        }
        ps.executeUpdate();
    }

    private static String tuple(List<ColumnInfo> columns, BiFunction<String, ColumnInfo, String> convert) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(convert.apply("?", columns.get(i)));
        }
        return b.append(')').toString();
    }

    private static String repeat(String tuple, int n) {
        StringBuilder b = new StringBuilder((tuple.length() + 2) * n);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(tuple);
        }
        return b.toString();
    }
}
