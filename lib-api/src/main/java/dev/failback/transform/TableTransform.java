package dev.failback.transform;

import java.util.List;
import java.util.Map;

/**
 * Transforms the rows of a target table <em>at apply</em>, inside the apply transaction (MOLT's
 * {@code configureTargetTables}): map a row, rename, drop, add or compute columns, skip a delete, turn
 * a delete into an update (soft delete), write rows yourself. Each method defaults to passing rows
 * through. Runs on the apply thread of the table's schema; a window may be applied more than once
 * (retries), so implementations are free of side effects outside the transaction. An exception stops
 * the window as a poison row does, naming the table, key and timestamp; nothing of it is committed.
 */
public interface TableTransform {

    /**
     * Maps an upsert.
     *
     * @param row  the row as staged (a fresh, mutable map)
     * @param meta the target table and source timestamp
     * @return the row to write, carrying the table's key columns; null to skip it
     * @throws Exception to stop the window
     */
    default Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) throws Exception {
        return row;
    }

    /**
     * Maps a delete.
     *
     * @param key  the primary-key values in primary-key order (a fresh, mutable list)
     * @param meta the target table and source timestamp
     * @return the key to delete, as many values; null to keep the row
     * @throws Exception to stop the window
     */
    default List<Object> onRowDelete(List<Object> key, RowMeta meta) throws Exception {
        return key;
    }

    /**
     * Writes the table's rows of a window, after {@link #onRowUpsert} and {@link #onRowDelete}: replaces
     * the default write, so only what is passed to {@link TableWriter#write} is written (plus your own
     * statements on {@link TableWriter#connection()}).
     *
     * @param ops    the rows, upserts and deletes, in the order Failback would write them
     * @param writer the apply transaction
     * @throws Exception to stop the window
     */
    default void onWrite(List<RowOp> ops, TableWriter writer) throws Exception {
        writer.write(ops);
    }
}
