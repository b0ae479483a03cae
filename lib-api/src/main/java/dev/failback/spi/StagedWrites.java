package dev.failback.spi;

/**
 * The statements that write one table's rows straight from a relation in the target database: how a
 * window is applied from a staging table that lives there, so that its rows never cross the JVM
 * ({@link Dialect#stagedWrites}). Both statements convert values and keys exactly as the dialect's
 * {@link Dialect#upsert} and {@link Dialect#delete} do, run in the caller's transaction inside a
 * {@code WITH} clause, and end in {@code RETURNING 1} so that the caller can count what they wrote.
 * Implementations are immutable.
 */
public interface StagedWrites {

    /**
     * An upsert of every row of a relation.
     *
     * @param rows the name of a relation (a {@code WITH} query) with a column {@code j} of type
     *             {@code json}: one row image per key, as the changefeed sent it, each carrying every
     *             column of the table that is not generated, by its exact name, and no other
     * @return the statement, ending in {@code RETURNING 1}
     */
    String upsert(String rows);

    /**
     * A delete of the rows whose keys a relation holds.
     *
     * @param keys the name of a relation with a column {@code key} of type {@code text}: one changefeed
     *             key array (a JSON array of the primary-key values, in key order) per row to delete
     * @return the statement, ending in {@code RETURNING 1}
     */
    String delete(String keys);
}
