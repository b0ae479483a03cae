package dev.failback.dialect.postgres;

/**
 * How {@link PostgresDialect} ships rows to the server. All techniques write the same values; they
 * differ in how much work happens in Java and in the number of bind parameters.
 */
public enum ApplyTechnique {

    /**
     * The raw {@code after} texts are joined into one JSON array, bound once as {@code ?::jsonb}, and
     * expanded on the server by {@code jsonb_to_recordset}. No per-value work in Java beyond reading
     * the top-level keys. Measured slower than {@link #UNNEST} and {@link #VALUES} (the server's JSON
     * to record conversion costs more than the Java parsing it saves).
     */
    JSONB_RECORDSET,

    /**
     * Multi-row {@code VALUES (?::type, ...), ...}: every value is parsed with Jackson streaming and
     * bound as text (numbers keep their exact text), at most 65535 parameters per statement.
     */
    VALUES,

    /**
     * {@code unnest(?::text[], ...)}: one text array per column, values parsed as for {@link #VALUES};
     * the SQL text does not depend on the row count. The default: fastest in {@code ApplyTechniqueBenchmark}.
     */
    UNNEST
}
