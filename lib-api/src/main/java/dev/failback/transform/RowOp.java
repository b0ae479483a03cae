package dev.failback.transform;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One change of a target table at apply, as {@link TableTransform#onWrite} sees it. Immutable.
 *
 * @param delete whether the row is deleted
 * @param data   the row to upsert (null for a delete)
 * @param key    the primary-key values, in primary-key order
 * @param meta   the target table and the source timestamp (and the previous image, when sent)
 */
public record RowOp(boolean delete, Map<String, Object> data, List<Object> key, RowMeta meta) {

    /** Validates the components. */
    public RowOp {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(meta, "meta");
        if (!delete) {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * An upsert of a row: its key is read from the table's primary-key columns when written.
     *
     * @param data the row
     * @param meta where it comes from
     * @return the op
     */
    public static RowOp upsert(Map<String, Object> data, RowMeta meta) {
        return new RowOp(false, data, List.of(), meta);
    }

    /**
     * A delete by key.
     *
     * @param key  the primary-key values
     * @param meta where it comes from
     * @return the op
     */
    public static RowOp delete(List<Object> key, RowMeta meta) {
        return new RowOp(true, null, key, meta);
    }
}
