package dev.failback.dialect.postgres;

import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ApplyTechnique#UNNEST}: one {@code text[]} parameter per column, expanded by {@code unnest}
 * and cast to the column types; the SQL text is the same for every row count.
 */
final class UnnestWriter extends TextWriter {

    UnnestWriter(UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        super(syntax, limits, keyCast);
    }

    @Override
    void upsert(Connection connection, TableInfo table, List<ColumnInfo> columns, List<String[]> texts)
            throws SQLException {
        StringBuilder sql = new StringBuilder(syntax.head(table, columns)).append("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Sql.convert("u.c" + i, columns.get(i)));
        }
        sql.append(" FROM ").append(unnest(columns.size(), syntax)).append(syntax.tail(table, columns));
        run(connection, sql.toString(), texts, columns.size());
    }

    @Override
    void delete(Connection connection, TableInfo table, List<ColumnInfo> pk, List<String[]> keys) throws SQLException {
        run(connection, deleteSql(table, pk, syntax, keyCast), keys, pk.size());
    }

    /** The delete statement: {@code DELETE ... USING} on PostgreSQL, {@code WHERE (pk) IN (SELECT ...)} with UPSERT INTO. */
    static String deleteSql(TableInfo table, List<ColumnInfo> pk, UpsertSyntax syntax, KeyCast keyCast) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(Sql.table(table.name()));
        if (syntax == UpsertSyntax.UPSERT_INTO) {
            sql.append(" WHERE (");
            UpsertSyntax.appendNames(sql, pk);
            sql.append(") IN (SELECT ");
            for (int i = 0; i < pk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(keyCast.convert("u.c" + i, pk.get(i)));
            }
            return sql.append(" FROM ").append(unnest(pk.size(), syntax)).append(')').toString();
        }
        sql.append(" AS t USING ").append(unnest(pk.size(), syntax)).append(" WHERE ");
        for (int i = 0; i < pk.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append("t.").append(Sql.quote(pk.get(i).name())).append(" = ")
                    .append(keyCast.convert("u.c" + i, pk.get(i)));
        }
        return sql.toString();
    }

    /**
     * The row source {@code u(c0, c1, ...)}: multi-argument {@code unnest(...) AS u(...)} on PostgreSQL;
     * with UPSERT INTO (CockroachDB) a subquery of single-argument {@code unnest} calls, which both
     * databases zip row by row (the form of MOLT Replicator's staging SQL on CockroachDB).
     */
    static String unnest(int width, UpsertSyntax syntax) {
        if (syntax == UpsertSyntax.UPSERT_INTO) {
            StringBuilder b = new StringBuilder("(SELECT ");
            for (int i = 0; i < width; i++) {
                b.append(i == 0 ? "" : ", ").append("unnest(?::text[]) AS c").append(i);
            }
            return b.append(") AS u").toString();
        }
        StringBuilder b = new StringBuilder("unnest(");
        for (int i = 0; i < width; i++) {
            b.append(i == 0 ? "" : ", ").append("?::text[]");
        }
        b.append(") AS u(");
        for (int i = 0; i < width; i++) {
            b.append(i == 0 ? "" : ", ").append('c').append(i);
        }
        return b.append(')').toString();
    }

    private void run(Connection connection, String sql, List<String[]> rows, int width) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int from = 0;
            while (from < rows.size()) {
                int n = chunk(rows, from, limits.maxRows());
                List<Array> arrays = new ArrayList<>(width);
                try {
                    for (int c = 0; c < width; c++) {
                        String[] column = new String[n];
                        for (int r = 0; r < n; r++) {
                            column[r] = rows.get(from + r)[c];
                        }
                        Array array = connection.createArrayOf("text", column);
                        arrays.add(array);
                        ps.setArray(c + 1, array);
                    }
                    ps.executeUpdate();
                } finally {
                    for (Array a : arrays) {
                        a.free();
                    }
                }
                from += n;
            }
        }
    }
}
