package dev.failback.dialect.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.Mutation;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The columns that one group of rows writes: the JSON keys the rows share, each matched to its column
 * (exact name first, then ignoring case), generated columns dropped. Immutable.
 *
 * @param keys    JSON keys, parallel to {@code columns}
 * @param columns the target columns written
 */
public record Shape(List<String> keys, List<ColumnInfo> columns) {

    public Shape {
        keys = List.copyOf(keys);
        columns = List.copyOf(columns);
    }

    /**
     * Matches JSON keys to the table's columns.
     *
     * @throws IllegalArgumentException when a key names no column, two keys name one column, or a
     *                                  primary-key column is missing
     */
    public static Shape of(TableInfo table, List<String> jsonKeys) {
        requireKey(table);
        List<String> keys = new ArrayList<>(jsonKeys.size());
        List<ColumnInfo> columns = new ArrayList<>(jsonKeys.size());
        Set<String> unknown = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        for (String key : jsonKeys) {
            ColumnInfo column = table.column(key);
            if (column == null) {
                unknown.add(key);
                continue;
            }
            if (!seen.add(column.name())) {
                throw new IllegalArgumentException("table " + table.name() + ": several JSON keys match column \""
                        + column.name() + "\"");
            }
            if (!column.generated()) {
                keys.add(key);
                columns.add(column);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("table " + table.name() + " has no column(s) " + unknown
                    + " (schema drift between the changefeed and the target?)");
        }
        for (String pk : table.primaryKey()) {
            if (!seen.contains(pk)) {
                throw new IllegalArgumentException("table " + table.name() + ": a row lacks primary-key column \""
                        + pk + "\"");
            }
        }
        return new Shape(keys, columns);
    }

    /** The primary-key columns of a table, in key order. */
    public static List<ColumnInfo> keyColumns(TableInfo table) {
        requireKey(table);
        List<ColumnInfo> columns = new ArrayList<>(table.primaryKey().size());
        for (String pk : table.primaryKey()) {
            ColumnInfo c = table.column(pk);
            if (c == null) {
                throw new IllegalArgumentException("table " + table.name() + ": primary-key column \"" + pk
                        + "\" is not among its columns");
            }
            columns.add(c);
        }
        return columns;
    }

    /**
     * Groups parsed rows by their keys, in order, like {@link #group} with the key set as the shape,
     * without copying the keys of a row that has the same keys as the row before it (the usual case).
     *
     * @param rows parsed rows (field name to value), each map iterating in text order
     * @return rows by key list, groups in first-seen order
     */
    public static <V> Map<List<String>, List<Map<String, V>>> groupByKeys(List<Map<String, V>> rows) {
        Map<List<String>, List<Map<String, V>>> groups = new LinkedHashMap<>();
        List<String> lastKeys = null;
        List<Map<String, V>> lastGroup = null;
        for (Map<String, V> row : rows) {
            if (lastKeys == null || !sameKeys(lastKeys, row.keySet())) {
                lastKeys = new ArrayList<>(row.keySet());
                lastGroup = groups.computeIfAbsent(lastKeys, k -> new ArrayList<>());
            }
            lastGroup.add(row);
        }
        return groups;
    }

    private static boolean sameKeys(List<String> keys, Set<String> set) {
        if (keys.size() != set.size()) {
            return false;
        }
        int i = 0;
        for (String k : set) {
            if (!k.equals(keys.get(i++))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rows of one shape, each as its values parallel to the shape's columns.
     *
     * @param shape  the columns written
     * @param values one array per row, parallel to {@code shape.columns()}
     */
    public record Rows(Shape shape, List<Json.Value[]> values) {
    }

    /**
     * Parses the row images of upserts once each and groups them by the keys they carry, in first-seen
     * order: the same groups and values as {@link Json#fields} then {@link #groupByKeys} then
     * {@link #of}, without a map per row. A row with the same keys in the same order as the row before
     * it (the usual case) is read straight into its group's column order; any other row is parsed as a
     * map and starts or joins its group.
     *
     * @param table the table
     * @param rows  upserts of that table
     * @return the groups, in first-seen order
     * @throws IllegalArgumentException when a row image is not a JSON object, or as {@link #of}
     */
    public static List<Rows> rows(TableInfo table, List<Mutation> rows) {
        List<Rows> out = new ArrayList<>();
        Map<List<String>, Reader> byKeys = new java.util.HashMap<>();
        Reader current = null;
        for (Mutation m : rows) {
            String after = m.after();
            if (current != null && current.read(after)) {
                continue;
            }
            Map<String, Json.Value> fields = Json.fields(after);
            List<String> keys = new ArrayList<>(fields.keySet());
            Reader reader = byKeys.get(keys);
            if (reader == null) {
                reader = new Reader(of(table, keys), keys);
                byKeys.put(keys, reader);
                out.add(reader.rows);
            }
            reader.add(fields);
            current = reader;
        }
        return out;
    }

    /** Reads the rows of one key list into one {@link Rows}. */
    private static final class Reader {
        private final List<String> keys;
        /** For each key, its column's index in the shape, or -1 for a generated column. */
        private final int[] slots;
        private final int width;
        private final Rows rows;

        Reader(Shape shape, List<String> keys) {
            this.keys = List.copyOf(keys);
            this.slots = new int[keys.size()];
            int j = 0;
            for (int i = 0; i < keys.size(); i++) {
                slots[i] = j < shape.keys().size() && shape.keys().get(j).equals(keys.get(i)) ? j++ : -1;
            }
            this.width = shape.columns().size();
            this.rows = new Rows(shape, new ArrayList<>());
        }

        /** Reads a row with exactly these keys in this order; false (nothing added) for any other row. */
        boolean read(String after) {
            Json.Value[] row = new Json.Value[width];
            try (JsonParser p = Json.FACTORY.createParser(after)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                int i = 0;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    if (i >= keys.size() || !p.currentName().equals(keys.get(i))) {
                        return false;
                    }
                    p.nextToken();
                    int slot = slots[i++];
                    if (slot >= 0) {
                        row[slot] = Json.value(p, after);
                    } else {
                        p.skipChildren();
                    }
                }
                if (i != keys.size() || p.currentToken() != JsonToken.END_OBJECT) {
                    return false;
                }
            } catch (IOException e) {
                return false; // the map parse reports it
            }
            rows.values.add(row);
            return true;
        }

        void add(Map<String, Json.Value> fields) {
            Json.Value[] row = new Json.Value[width];
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] >= 0) {
                    row[slots[i]] = fields.get(keys.get(i));
                }
            }
            rows.values.add(row);
        }
    }

    /** Groups items by the JSON keys they carry, keeping first-seen order. */
    public static <T> Map<List<String>, List<T>> group(List<T> items, Function<T, List<String>> keysOf) {
        Map<List<String>, List<T>> groups = new LinkedHashMap<>();
        for (T item : items) {
            groups.computeIfAbsent(keysOf.apply(item), k -> new ArrayList<>()).add(item);
        }
        return groups;
    }

    /**
     * Parses every key array of {@code rows}, checking its arity against the primary key.
     *
     * @throws IllegalArgumentException when a key has the wrong number of values (naming the table)
     */
    public static List<List<Json.Value>> keyValues(TableInfo table, List<Mutation> rows) {
        int arity = table.primaryKey().size();
        List<List<Json.Value>> keys = new ArrayList<>(rows.size());
        for (Mutation m : rows) {
            List<Json.Value> values = Json.elements(m.key());
            if (values.size() != arity) {
                throw new IllegalArgumentException("table " + table.name() + ": key " + m.key() + " has "
                        + values.size() + " value(s) but the primary key " + table.primaryKey() + " has " + arity);
            }
            keys.add(values);
        }
        return keys;
    }

    private static void requireKey(TableInfo table) {
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + table.name() + " has no primary key; Failback cannot apply changes to it");
        }
    }
}
