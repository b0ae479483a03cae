package dev.failback.dialect.internal;

import dev.failback.Mutation;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
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
