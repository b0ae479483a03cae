package dev.failback.transform;

import java.util.Map;

/**
 * Transforms each row of a target schema's requests <em>before it is staged</em> (MOLT's
 * {@code configureTargetSchema}): filter rows or whole tables (so that a changefeed over more tables
 * than the target has does not stall), reroute a row to another table, fan it out to several, rename
 * or drop columns. Runs on the request thread, for many requests at once: implementations are
 * thread-safe and, since a request may be retried, free of side effects. An exception refuses the
 * request with a 400 naming the table, key and timestamp, and nothing of it is staged.
 */
public interface SchemaTransform {

    /**
     * Transforms an upsert.
     *
     * @param row  the row image as sent (a fresh, mutable map the transform may change and return)
     * @param meta the source table and timestamp
     * @return where the row goes
     * @throws Exception to refuse the request
     */
    Route onRowUpsert(Map<String, Object> row, RowMeta meta) throws Exception;

    /**
     * Transforms a delete. The row holds the primary key: the key's values under the primary-key
     * column names of the target table named like the source table (and, for changefeeds created
     * {@code WITH diff}, the previous row image's columns); when no such table exists, the key array
     * under {@value #REPLICATION_KEY}. A delete routed to a table must carry that table's key columns.
     *
     * @param row  the key (a fresh, mutable map)
     * @param meta the source table and timestamp
     * @return where the delete goes
     * @throws Exception to refuse the request
     */
    Route onRowDelete(Map<String, Object> row, RowMeta meta) throws Exception;

    /** The column under which a delete carries its key array when no target table names its columns (MOLT's). */
    String REPLICATION_KEY = "__REPLICATION_KEY__";
}
