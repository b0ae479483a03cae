package dev.failback.dialect.mysql;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import java.util.List;

/** SQL text helpers: backtick quoting (independent of {@code ANSI_QUOTES}) and column lists. Stateless. */
final class Sql {

    private Sql() {
    }

    /** Quotes an identifier with backticks, doubling embedded backticks. */
    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** The database-qualified, quoted table name. */
    static String table(TableName table) {
        return table.schema().isEmpty() ? quote(table.name()) : quote(table.schema()) + "." + quote(table.name());
    }

    /** Appends {@code `a`, `b`}. */
    static StringBuilder names(StringBuilder b, List<ColumnInfo> columns) {
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(quote(columns.get(i).name()));
        }
        return b;
    }

    /**
     * A key predicate for {@code n} keys: {@code `id` IN (?, ?)} for a one-column key,
     * {@code (`a`, `b`) IN ((?, ?), (?, ?))} otherwise; each placeholder converts the key as its column
     * stores values ({@link Values#keyPlaceholder}).
     */
    static String keyIn(List<ColumnInfo> key, int n) {
        String[] placeholders = new String[key.size()];
        for (int i = 0; i < placeholders.length; i++) {
            placeholders[i] = Values.keyPlaceholder(MyType.of(key.get(i)));
        }
        StringBuilder b = new StringBuilder(key.size() * 16 + n * (key.size() * 3 + 4));
        if (key.size() == 1) {
            b.append(quote(key.get(0).name())).append(" IN (");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(placeholders[0]);
            }
            return b.append(')').toString();
        }
        b.append('(');
        names(b, key).append(") IN (");
        StringBuilder t = new StringBuilder("(");
        for (int i = 0; i < placeholders.length; i++) {
            t.append(i == 0 ? "" : ", ").append(placeholders[i]);
        }
        String tuple = t.append(')').toString();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(tuple);
        }
        return b.append(')').toString();
    }
}
