package dev.failback.dialect.postgres;

import dev.failback.Mutation;
import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The techniques that bind every value as text ({@link ApplyTechnique#VALUES}, {@link ApplyTechnique#UNNEST}):
 * rows are turned into texts by {@link TextValues}, upserted a group of same-keyed rows at a time and
 * deleted by their key texts, in statements of at most {@link Limits#maxRows()} rows and about
 * {@link Limits#maxChars()} characters. Thread-safe.
 */
abstract class TextWriter extends Writer {

    TextWriter(UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        super(syntax, limits, keyCast);
    }

    @Override
    public final void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        for (TextValues.Group group : TextValues.groups(table, rows)) {
            upsert(connection, table, group.shape().columns(), group.texts());
        }
    }

    @Override
    public final void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        List<ColumnInfo> pk = Shape.keyColumns(table);
        delete(connection, table, pk, TextValues.keys(table, pk, rows));
    }

    /**
     * Upserts rows that carry the same columns.
     *
     * @param texts one array per row, in the order of {@code columns}
     */
    abstract void upsert(Connection connection, TableInfo table, List<ColumnInfo> columns, List<String[]> texts)
            throws SQLException;

    /**
     * Deletes rows by key.
     *
     * @param keys one array per row, in the order of {@code pk}
     */
    abstract void delete(Connection connection, TableInfo table, List<ColumnInfo> pk, List<String[]> keys)
            throws SQLException;

    /** Rows from {@code from} that fit one statement: at most {@code max} and about {@code maxChars} of text. */
    final int chunk(List<String[]> rows, int from, int max) {
        long chars = 0;
        int n = 0;
        while (from + n < rows.size() && n < max) {
            long size = 0;
            for (String s : rows.get(from + n)) {
                size += s == null ? 0 : s.length();
            }
            if (n > 0 && chars + size > limits.maxChars()) {
                break;
            }
            chars += size;
            n++;
        }
        return n;
    }
}
