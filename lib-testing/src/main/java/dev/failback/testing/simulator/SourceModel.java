package dev.failback.testing.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulated source database: table → key (the changefeed {@code key} JSON text) → row (column
 * name to JSON value text, sorted bytewise). Tables exist once named by {@link #createTable} or a
 * first write. Thread-safe; rows handed out are immutable.
 */
public final class SourceModel {
    private final Map<String, TreeMap<String, SortedMap<String, String>>> tables = new TreeMap<>();

    /**
     * Makes sure a table exists (possibly empty), so that verification also checks it is empty.
     *
     * @param table the table
     */
    public synchronized void createTable(String table) {
        tables.computeIfAbsent(Objects.requireNonNull(table, "table"), t -> new TreeMap<>());
    }

    /**
     * Returns a row.
     *
     * @param table the table
     * @param key   the key JSON text
     * @return the row, or null when absent
     */
    public synchronized SortedMap<String, String> row(String table, String key) {
        TreeMap<String, SortedMap<String, String>> rows = tables.get(table);
        return rows == null ? null : rows.get(key);
    }

    /**
     * Inserts or replaces a row.
     *
     * @param table the table
     * @param key   the key JSON text
     * @param row   the whole row
     * @return the previous row, or null
     */
    public synchronized SortedMap<String, String> put(String table, String key, Map<String, String> row) {
        return tables.computeIfAbsent(table, t -> new TreeMap<>())
                .put(Objects.requireNonNull(key, "key"), Collections.unmodifiableSortedMap(CrdbJson.row(row)));
    }

    /**
     * Deletes a row.
     *
     * @param table the table
     * @param key   the key JSON text
     * @return the deleted row, or null when absent
     */
    public synchronized SortedMap<String, String> remove(String table, String key) {
        createTable(table);
        return tables.get(table).remove(key);
    }

    /**
     * Applies a change.
     *
     * @param change the change
     * @return the row before the change, or null
     */
    public synchronized SortedMap<String, String> apply(RowChange change) {
        return change.isDelete() ? remove(change.table(), change.key()) : put(change.table(), change.key(), change.after());
    }

    /**
     * Returns the table names.
     *
     * @return a sorted copy
     */
    public synchronized Set<String> tables() {
        return new TreeSet<>(tables.keySet());
    }

    /**
     * Returns a table's rows.
     *
     * @param table the table
     * @return a copy, key to row, sorted by key text; empty for an unknown table
     */
    public synchronized SortedMap<String, SortedMap<String, String>> rows(String table) {
        TreeMap<String, SortedMap<String, String>> rows = tables.get(table);
        return rows == null ? new TreeMap<>() : new TreeMap<>(rows);
    }

    /**
     * Returns a table's row count.
     *
     * @param table the table
     * @return the count
     */
    public synchronized int size(String table) {
        TreeMap<String, SortedMap<String, String>> rows = tables.get(table);
        return rows == null ? 0 : rows.size();
    }

    /**
     * Returns the row count over all tables.
     *
     * @return the count
     */
    public synchronized long totalRows() {
        long n = 0;
        for (TreeMap<String, SortedMap<String, String>> rows : tables.values()) {
            n += rows.size();
        }
        return n;
    }

    /**
     * Returns a copy of everything, for comparing two models.
     *
     * @return table → key → row
     */
    public synchronized Map<String, Map<String, SortedMap<String, String>>> snapshot() {
        Map<String, Map<String, SortedMap<String, String>>> copy = new LinkedHashMap<>();
        tables.forEach((t, rows) -> copy.put(t, new TreeMap<>(rows)));
        return copy;
    }

    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder("SourceModel[");
        tables.forEach((t, rows) -> b.append(b.length() > 12 ? ", " : "").append(t).append('=').append(rows.size()));
        return b.append(']').toString();
    }
}
