package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.spi.ColumnInfo;

/** One way of shipping rows to PostgreSQL set-wise; see {@link ApplyTechnique}. Thread-safe. */
abstract class Writer implements AbstractDialect.RowWriter {

    /** The most bind parameters one PostgreSQL statement may carry. */
    static final int MAX_BIND_PARAMETERS = 65_535;

    /** How rows are upserted. */
    final UpsertSyntax syntax;
    /** How big one statement may get. */
    final Limits limits;
    /** How deletes cast the keys they bind. */
    final KeyCast keyCast;

    Writer(UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        this.syntax = syntax;
        this.limits = limits;
        this.keyCast = keyCast;
    }

    /** Creates the writer of a technique. */
    static Writer of(ApplyTechnique technique, UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        switch (technique) {
            case JSONB_RECORDSET:
                return new RecordsetWriter(syntax, limits, keyCast);
            case VALUES:
                return new ValuesWriter(syntax, limits, keyCast);
            case UNNEST:
                return new UnnestWriter(syntax, limits, keyCast);
            default:
                throw new IllegalArgumentException("unknown technique " + technique);
        }
    }

    /**
     * How a delete casts the key texts it binds, so that it addresses the row the upsert of the same
     * source key wrote: the key must compare as the column compares its own values.
     */
    enum KeyCast {
        /**
         * PostgreSQL: as values ({@link Sql#castType}), except that a blank-padded {@code character(n)} key
         * is cast to {@code bpchar}. Cast to {@code text}, {@code 'a  '} would not equal the stored
         * {@code 'a    '} (the column's value loses its padding when compared as text); as {@code bpchar}
         * both sides ignore trailing spaces, as the column's own comparison does.
         */
        COLUMN_COMPARISON,

        /** As values, {@link Sql#castType}: CockroachDB, whose {@code CHAR(n)} keys compare as written. */
        VALUE_TYPE;

        /** The type a key text is cast to (or, for a recordset, declared as) before it is compared with the column. */
        String type(ColumnInfo column) {
            return this == COLUMN_COMPARISON && Sql.isBlankPadded(column) ? "bpchar" : Sql.castType(column);
        }

        /** An expression converting the key text {@code expr} to what the column is compared with. */
        String convert(String expr, ColumnInfo column) {
            return this == COLUMN_COMPARISON && Sql.isBlankPadded(column) ? expr + "::bpchar" : Sql.convert(expr, column);
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
