package dev.failback.dialect.postgres;

import dev.failback.Mutation;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns JSON values into the text PostgreSQL's input functions read, for the techniques that bind
 * every value as text. Stateless.
 */
final class TextValues {

    private TextValues() {
    }

    /**
     * Rows that carry the same keys, as texts in the order of their shape's columns.
     *
     * @param shape the columns written
     * @param texts one array per row
     */
    record Group(Shape shape, List<String[]> texts) {
    }

    /**
     * Groups rows by the keys they carry and turns their values into texts.
     *
     * @param table the table
     * @param rows  the rows
     * @return the groups, in order of first appearance
     */
    static List<Group> groups(TableInfo table, List<Mutation> rows) {
        List<Group> out = new ArrayList<>();
        for (Shape.Rows group : Shape.rows(table, rows)) {
            List<ColumnInfo> columns = group.shape().columns();
            List<String[]> texts = new ArrayList<>(group.values().size());
            for (Json.Value[] values : group.values()) {
                String[] row = new String[values.length];
                for (int i = 0; i < row.length; i++) {
                    row[i] = of(values[i], columns.get(i));
                }
                texts.add(row);
            }
            out.add(new Group(group.shape(), texts));
        }
        return out;
    }

    /**
     * The primary keys of rows, as texts.
     *
     * @param table the table
     * @param pk    its key columns
     * @param rows  the rows
     * @return one array per row
     */
    static List<String[]> keys(TableInfo table, List<ColumnInfo> pk, List<Mutation> rows) {
        List<String[]> texts = new ArrayList<>(rows.size());
        for (List<Json.Value> key : Shape.keyValues(table, rows)) {
            String[] row = new String[pk.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = of(key.get(i), pk.get(i));
            }
            texts.add(row);
        }
        return texts;
    }

    /**
     * Returns the text of a value for a column, or null for SQL NULL.
     *
     * <ul>
     *   <li>JSON null is SQL NULL (also for json/jsonb columns, as the changefeed cannot tell them apart);</li>
     *   <li>json/jsonb columns get the value as JSON text (a string stays a quoted JSON string);</li>
     *   <li>array columns get a PostgreSQL array literal ({@code {"1","2",NULL}});</li>
     *   <li>everything else gets the decoded string, the exact number text, the boolean, or the exact
     *       object text (GeoJSON).</li>
     * </ul>
     */
    static String of(Json.Value value, ColumnInfo column) {
        if (value.kind() == Json.Kind.NULL) {
            return null;
        }
        if (column.typeKind().equals(PostgresDialect.KIND_JSON)) {
            return value.json();
        }
        if (value.kind() == Json.Kind.ARRAY && column.typeKind().equals(PostgresDialect.KIND_ARRAY)) {
            return arrayLiteral(value.text(), Sql.isJsonArray(column));
        }
        return value.text();
    }

    /**
     * Converts a JSON array to a PostgreSQL array literal; nested arrays become nested dimensions.
     *
     * @param json         the JSON array text
     * @param jsonElements whether elements are json/jsonb (kept as JSON text)
     */
    static String arrayLiteral(String json, boolean jsonElements) {
        StringBuilder b = new StringBuilder(json.length() + 8);
        append(b, Json.elements(json), jsonElements);
        return b.toString();
    }

    private static void append(StringBuilder b, List<Json.Value> elements, boolean jsonElements) {
        b.append('{');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Json.Value e = elements.get(i);
            if (e.kind() == Json.Kind.NULL) {
                b.append("NULL");
            } else if (jsonElements) {
                quoted(b, e.json());
            } else if (e.kind() == Json.Kind.ARRAY) {
                append(b, Json.elements(e.text()), false);
            } else {
                quoted(b, e.text());
            }
        }
        b.append('}');
    }

    private static void quoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }
}
