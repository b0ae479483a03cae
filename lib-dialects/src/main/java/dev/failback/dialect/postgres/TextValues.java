package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import java.util.List;

/**
 * Turns JSON values into the text PostgreSQL's input functions read, for the techniques that bind
 * every value as text. Stateless.
 */
final class TextValues {

    private TextValues() {
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
