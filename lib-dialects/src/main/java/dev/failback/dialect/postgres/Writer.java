package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.AbstractDialect;

/** One way of shipping rows to PostgreSQL set-wise; see {@link ApplyTechnique}. Thread-safe. */
abstract class Writer implements AbstractDialect.RowWriter {

    /** The most bind parameters one PostgreSQL statement may carry. */
    static final int MAX_BIND_PARAMETERS = 65_535;

    /** How rows are upserted. */
    final UpsertSyntax syntax;
    /** How big one statement may get. */
    final Limits limits;

    Writer(UpsertSyntax syntax, Limits limits) {
        this.syntax = syntax;
        this.limits = limits;
    }

    /** Creates the writer of a technique. */
    static Writer of(ApplyTechnique technique, UpsertSyntax syntax, Limits limits) {
        switch (technique) {
            case JSONB_RECORDSET:
                return new RecordsetWriter(syntax, limits);
            case VALUES:
                return new ValuesWriter(syntax, limits);
            case UNNEST:
                return new UnnestWriter(syntax, limits);
            default:
                throw new IllegalArgumentException("unknown technique " + technique);
        }
    }

    /**
     * How big one statement may get.
     *
     * @param maxRows  rows per statement
     * @param maxChars characters of bound text per statement (a soft limit: a single bigger row still goes)
     */
    record Limits(int maxRows, int maxChars) {

        /** 10,000 rows or 8 MiB of text per statement. */
        static final Limits DEFAULT = new Limits(10_000, 8 << 20);

        public Limits {
            if (maxRows < 1) {
                throw new IllegalArgumentException("maxRows must be >= 1, but was " + maxRows);
            }
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxChars must be >= 1, but was " + maxChars);
            }
        }
    }
}
