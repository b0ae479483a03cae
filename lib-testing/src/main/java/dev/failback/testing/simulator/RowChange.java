package dev.failback.testing.simulator;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One row written by a source transaction: an upsert (the new row image) or a delete. Immutable.
 *
 * @param table the table (the changefeed {@code topic})
 * @param key   the primary key as a changefeed {@code key}: a JSON array of the key values in key
 *              order, written with {@link CrdbJson#array} (for example {@code [3]} or {@code ["…", 1]})
 * @param after the whole new row, column name to JSON value text; null for a delete
 */
public record RowChange(String table, String key, SortedMap<String, String> after) {

    /** Validates and copies the components. */
    public RowChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        if (!key.startsWith("[") || !key.endsWith("]")) {
            throw new IllegalArgumentException("key must be a JSON array, but was " + key);
        }
        after = after == null ? null : Collections.unmodifiableSortedMap(CrdbJson.row(after));
    }

    /**
     * An insert or update.
     *
     * @param table the table
     * @param key   the key JSON array
     * @param after the whole new row
     * @return the change
     */
    public static RowChange upsert(String table, String key, SortedMap<String, String> after) {
        return new RowChange(table, key, Objects.requireNonNull(after, "after"));
    }

    /**
     * A delete.
     *
     * @param table the table
     * @param key   the key JSON array
     * @return the change
     */
    public static RowChange delete(String table, String key) {
        return new RowChange(table, key, null);
    }

    /**
     * Returns whether this change deletes the row.
     *
     * @return true for a delete
     */
    public boolean isDelete() {
        return after == null;
    }
}
