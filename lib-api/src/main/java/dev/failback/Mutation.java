package dev.failback;

import java.util.Objects;

/**
 * One row change from a changefeed: an upsert (a full row image in {@code after}) or a delete
 * ({@code after} is null). JSON is kept as the exact text the changefeed sent, so numbers keep their
 * digits and scale. Immutable and thread-safe.
 *
 * @param table   the target table, never null
 * @param key     the primary-key values as a JSON array text, in primary-key column order, never null
 * @param updated the commit timestamp of the source transaction, never null
 * @param after   the new row image as a JSON object text, or null for a delete
 * @param before  the previous row image as a JSON object text (changefeeds created {@code WITH diff}), may be null
 */
public record Mutation(TableName table, String key, Hlc updated, String after, String before) {

    /** Validates the components. */
    public Mutation {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(updated, "updated");
    }

    /**
     * Returns whether this mutation deletes its row.
     *
     * @return true for a delete
     */
    public boolean isDelete() {
        return after == null;
    }
}
