package dev.failback.dialect;

import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The NULL side of the type zoos (issue #15): a row image whose every typed column is JSON {@code null},
 * built from the table's catalog (so a column added to a zoo is covered without listing it), and the
 * check that each of those columns reads back as SQL NULL. Each dialect's zoo test upserts it, then
 * the zoo's values over it, then it again over those (an update to NULL, where typed NULL binds of
 * arrays, geometry, JSON, bytes, enums, bits and intervals are needed).
 */
public final class NullRows {

    private NullRows() {
    }

    /**
     * The columns an all-null row must leave NULL: nullable, not generated, not in the primary key.
     *
     * @param table the table, as the dialect read it
     * @return the column names as the target spells them, in table order
     */
    public static List<String> nullableColumns(TableInfo table) {
        Set<String> key = new HashSet<>();
        for (String k : table.primaryKey()) {
            key.add(k.toLowerCase(Locale.ROOT));
        }
        List<String> out = new ArrayList<>();
        for (ColumnInfo c : table.columns()) {
            if (c.nullable() && !c.generated() && !key.contains(c.name().toLowerCase(Locale.ROOT))) {
                out.add(c.name());
            }
        }
        return out;
    }

    /**
     * The {@code after} of an all-null row as CockroachDB sends it: one field per column of
     * {@link #nullableColumns}, named in lower case, with JSON {@code null}, plus the key columns;
     * fields in name order (a changefeed's JSON object is sorted).
     *
     * @param table the table
     * @param key   each key column (lower case) to the JSON text of its value
     * @return the JSON object text
     */
    public static String allNull(TableInfo table, Map<String, String> key) {
        Map<String, String> fields = new TreeMap<>(key);
        for (String c : nullableColumns(table)) {
            fields.put(c.toLowerCase(Locale.ROOT), "null");
        }
        return object(fields);
    }

    /**
     * A row image with some fields replaced or added, in name order.
     *
     * @param after     a JSON object text
     * @param overrides field name to the JSON text of its new value
     * @return the JSON object text
     */
    public static String with(String after, Map<String, String> overrides) {
        Map<String, String> fields = new TreeMap<>();
        for (Map.Entry<String, Json.Value> e : Json.fields(after).entrySet()) {
            fields.put(e.getKey(), e.getValue().json());
        }
        fields.putAll(overrides);
        return object(fields);
    }

    private static String object(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(Json.quote(e.getKey())).append(": ").append(e.getValue());
        }
        return b.append('}').toString();
    }

    /**
     * Reads one row and names each of {@code columns} that is not NULL ({@code <column> IS NULL} evaluated
     * by the server, column by column), with the value it holds.
     *
     * @param connection the target
     * @param table      the qualified table name, as SQL
     * @param where      the condition that selects exactly the row
     * @param columns    the columns that must be NULL, as SQL identifiers
     * @return the columns that are not NULL, each as {@code column = value}; empty when all are NULL
     * @throws SQLException when the query fails
     * @throws AssertionError when no row matches
     */
    public static List<String> notNull(Connection connection, String table, String where, List<String> columns)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String c : columns) {
            sql.append("CASE WHEN ").append(c).append(" IS NULL THEN 1 ELSE 0 END, ").append(c).append(", ");
        }
        sql.append("1 FROM ").append(table).append(" WHERE ").append(where);
        List<String> failures = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            if (!rs.next()) {
                throw new AssertionError("no row " + where + " in " + table);
            }
            int i = 1;
            for (String c : columns) {
                if (rs.getInt(i) != 1) {
                    failures.add(c + " = " + show(rs, i + 1));
                }
                i += 2;
            }
        }
        return failures;
    }

    private static String show(ResultSet rs, int i) {
        try {
            String s = String.valueOf(rs.getString(i));
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        } catch (SQLException | RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
