package dev.failback.core.internal.ingress;

import dev.failback.Hlc;
import java.util.List;
import java.util.Objects;

/**
 * One row message of a webhook batch. JSON values are the exact text of the request body (UTF-8
 * decoded, never re-encoded), so numbers keep their digits and scale and string escapes stay as sent.
 * Immutable and thread-safe.
 *
 * @param index         the 0-based position of the message in {@code payload}
 * @param topic         the changefeed topic (table name, or {@code db.schema.table} with {@code full_table_name}), never null or empty
 * @param key           the primary-key values as JSON array text, never null, at least one element
 * @param keyArity      the number of elements in {@code key}, at least 1
 * @param updated       the change's commit timestamp, never null
 * @param after         the new row image as JSON object text, or null for a delete
 * @param afterColumns  the top-level field names of {@code after} in body order, never null (empty for a delete)
 * @param before        the previous row image as JSON object text ({@code WITH diff}), or null
 */
public record RowMessage(int index, String topic, String key, int keyArity, Hlc updated, String after,
        List<String> afterColumns, String before) {

    /** Validates the components and freezes {@code afterColumns}. */
    public RowMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(updated, "updated");
        afterColumns = List.copyOf(Objects.requireNonNull(afterColumns, "afterColumns"));
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, but was " + index);
        }
        if (keyArity < 1) {
            throw new IllegalArgumentException("keyArity must be >= 1, but was " + keyArity);
        }
    }

    /**
     * Returns whether this message deletes its row.
     *
     * @return true when {@code after} is null
     */
    public boolean isDelete() {
        return after == null;
    }
}
