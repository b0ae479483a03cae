package dev.failback.dialect.oracle;

/**
 * How {@link OracleDialect} ships rows to the server. Both write the same values with the same
 * {@code MERGE}; they differ in how many rows one execution carries.
 */
public enum OracleApplyTechnique {

    /**
     * One single-row {@code MERGE ... USING (SELECT CAST(? AS type) "C", ... FROM DUAL)} prepared
     * once, executed with standard JDBC batching ({@code addBatch}/{@code executeBatch}) in chunks of
     * 100 rows, which the Oracle driver sends as array binds in one round trip. Deletes are batched
     * single-key {@code DELETE ... WHERE "PK" = ?}. The default: the technique Oracle documents and
     * MOLT Replicator uses. On H2 in Oracle mode ({@code OracleTechniqueMeasure} in the tests, 20,000
     * rows in calls of 1,000) neither technique wins consistently: two runs gave 22-33k rows/s insert,
     * 14-42k update for this one and 5-70k / 13-28k for {@link #UNION_ALL} depending on bucket size and
     * run. Those numbers say little about real Oracle, where a JDBC batch is one array-bind round
     * trip and every distinct UNION ALL text is a hard parse; measure there before changing the default.
     */
    BATCH,

    /**
     * One {@code MERGE} per chunk whose source is {@code SELECT ... FROM DUAL UNION ALL SELECT ...
     * FROM DUAL ...}, one branch per row; deletes are {@code DELETE ... WHERE ("A","B") IN ((?,?), ...)}.
     * Chunks take bucketed sizes (powers of two up to 64 rows for MERGE, 256 keys for DELETE) so that
     * the server sees a handful of distinct statement texts.
     */
    UNION_ALL
}
