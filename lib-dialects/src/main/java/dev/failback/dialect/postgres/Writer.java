package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.StagedWrites;
import dev.failback.spi.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
     * The statements that write a table's rows from a relation in the target ({@link
     * dev.failback.spi.Dialect#stagedWrites}), or empty with {@code UPSERT INTO} (CockroachDB) and for a table
     * with a json, jsonb or array column (their texts are built in Java: re-quoted JSON, array literals).
     */
    Optional<StagedWrites> staged(TableInfo table) {
        if (syntax != UpsertSyntax.INSERT_ON_CONFLICT || table.primaryKey().isEmpty()) {
            return Optional.empty();
        }
        List<ColumnInfo> columns = new ArrayList<>();
        for (ColumnInfo c : table.columns()) {
            if (c.typeKind().equals(PostgresDialect.KIND_JSON) || c.typeKind().equals(PostgresDialect.KIND_ARRAY)) {
                return Optional.empty();
            }
            if (!c.generated()) {
                columns.add(c);
            }
        }
        List<ColumnInfo> pk = Shape.keyColumns(table);
        // the values as json_to_record reads them as text (decoded strings, exact number and object texts), cast
        // as UNNEST casts the same texts
        StringBuilder select = new StringBuilder(syntax.head(table, columns)).append("SELECT ");
        StringBuilder record = new StringBuilder(" AS x(");
        for (int i = 0; i < columns.size(); i++) {
            String name = Sql.quote(columns.get(i).name());
            select.append(i == 0 ? "" : ", ").append(Sql.convert("x." + name, columns.get(i)));
            record.append(i == 0 ? "" : ", ").append(name).append(" text");
        }
        String tail = record.append(')').append(syntax.tail(table, columns)).append(" RETURNING 1").toString();
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < pk.size(); i++) {
            where.append(i == 0 ? " WHERE " : " AND ").append("t.").append(Sql.quote(pk.get(i).name())).append(" = ")
                    .append(keyCast.convert("(s.key::json->>" + i + ")", pk.get(i)));
        }
        String head = select.toString();
        String target = Sql.table(table.name());
        String keys = where.append(" RETURNING 1").toString();
        return Optional.of(new StagedWrites() {
            @Override
            public String upsert(String rows) {
                return head + " FROM " + rows + " AS s, json_to_record(s.j)" + tail;
            }

            @Override
            public String delete(String relation) {
                return "DELETE FROM " + target + " AS t USING " + relation + " AS s" + keys;
            }
        });
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
