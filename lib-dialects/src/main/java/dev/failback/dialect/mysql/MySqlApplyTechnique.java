package dev.failback.dialect.mysql;

/**
 * How {@link MySqlDialect} ships rows to the server. Both write the same values with the same
 * {@code INSERT ... ON DUPLICATE KEY UPDATE}; they differ in who builds the multi-row statements.
 */
public enum MySqlApplyTechnique {

    /**
     * Multi-row {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE} and
     * {@code DELETE ... WHERE key IN (...)} built by Failback, one statement per chunk of at most
     * 65535 placeholders that fits {@code max_allowed_packet}. Works the same with every driver. The
     * default: fastest in {@code MySqlApplyTechniqueBenchmark}.
     */
    MULTI_ROW,

    /**
     * A single-row prepared {@code INSERT ... ON DUPLICATE KEY UPDATE} (and a single-key
     * {@code DELETE}) with {@code addBatch()} per row. With Connector/J, {@code rewriteBatchedStatements}
     * is switched on for the duration (whatever the connection URL says, and restored afterwards), so
     * the driver rewrites the inserts into multi-row statements and sends the deletes as
     * multi-statement packets. With other drivers it is a plain JDBC batch.
     */
    BATCH_REWRITE
}
