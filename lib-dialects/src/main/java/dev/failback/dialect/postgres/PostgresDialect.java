package dev.failback.dialect.postgres;

import static java.util.Objects.requireNonNull;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.SystemSchemas;
import dev.failback.spi.Identifiers;

/**
 * The PostgreSQL dialect: webhook paths {@code /database/schema}, schemas read from
 * {@code pg_catalog}, rows applied set-wise with {@code INSERT ... ON CONFLICT (pk) DO UPDATE} and
 * {@code DELETE ... USING}, a few statements per call whatever the row count.
 *
 * <p>Values arrive as CockroachDB changefeed JSON and are converted by PostgreSQL's own input
 * functions from their exact JSON text, so numbers keep their digits and scale; geometry and
 * geography are read from GeoJSON with {@code ST_GeomFromGeoJSON}. Rows that carry different sets
 * of keys are written in separate statements, each writing only its keys' columns: a missing column
 * keeps its value on update and gets its default on insert. Generated columns are never written;
 * {@code GENERATED ALWAYS AS IDENTITY} columns are written on insert ({@code OVERRIDING SYSTEM VALUE})
 * and kept on update.
 *
 * <p>{@link #readSchema} fills {@link dev.failback.spi.ColumnInfo#typeKind()} with one of the
 * {@code KIND_*} constants below, or {@code ""} for every other type.
 *
 * <p>Unquoted identifiers fold to lower case. The system schemas are {@code pg_catalog},
 * {@code information_schema}, {@code pg_toast} and the temporary schemas
 * {@code pg_temp_N}/{@code pg_toast_temp_N}.
 *
 * <p>{@link #keyHazards} reports the key columns PostgreSQL compares differently from CockroachDB
 * ({@code character(n)}, nondeterministic collations, {@code citext}, {@code numeric(p,s)}, time types with
 * fewer than 6 fractional digits, {@code real}); nondeterministic collations are known for the tables this
 * instance read with {@link #readSchema}. {@link #keyCollisions} asks the server which keys of a window
 * it would store as one row. A delete casts a {@code character(n)} key to {@code bpchar}, so that it
 * removes the row the upsert of the same source key wrote, trailing spaces or not.
 *
 * <p>Thread-safe: every method works on the connection it is given; the only state is what
 * {@link #readSchema} learnt about collations.
 */
public final class PostgresDialect extends AbstractDialect<ApplyTechnique> {
    /** The technique used by {@link #PostgresDialect()}: the fastest one measured. */
    public static final ApplyTechnique DEFAULT_TECHNIQUE = ApplyTechnique.UNNEST;

    /** Type kind of PostGIS {@code geometry} columns (written from GeoJSON). */
    public static final String KIND_GEOMETRY = "geometry";
    /** Type kind of PostGIS {@code geography} columns (written from GeoJSON, SRID 4326 unless declared). */
    public static final String KIND_GEOGRAPHY = "geography";
    /** Type kind of enum columns (the type is schema-qualified in {@code sqlType}). */
    public static final String KIND_ENUM = "enum";
    /** Type kind of every array column, whatever its element type. */
    public static final String KIND_ARRAY = "array";
    /** Type kind of {@code json} and {@code jsonb} columns. */
    public static final String KIND_JSON = "json";
    /** Type kind of {@code bytea} columns. */
    public static final String KIND_BYTEA = "bytea";
    /** Type kind of {@code GENERATED ALWAYS AS IDENTITY} columns: written on insert, never updated. */
    public static final String KIND_IDENTITY = "identity";

    /** Creates the dialect with {@link #DEFAULT_TECHNIQUE}. */
    public PostgresDialect() {
        this(DEFAULT_TECHNIQUE);
    }

    /**
     * Creates the dialect with a given apply technique.
     *
     * @param technique how rows are shipped, never null
     */
    public PostgresDialect(ApplyTechnique technique) {
        this("postgresql", technique, UpsertSyntax.INSERT_ON_CONFLICT, Writer.Limits.DEFAULT);
    }

    /**
     * Creates the flavour for PostgreSQL-wire-compatible databases that write with {@code UPSERT INTO}
     * (CockroachDB): same value conversions and row checks, {@code UPSERT INTO ... SELECT ... FROM}
     * single-argument {@code unnest} calls, deletes by {@code WHERE (pk) IN (...)}. For
     * {@code dev.failback.dialect.cockroach}; applications use {@code CockroachDialect}. Its
     * {@link #readSchema} and {@link #resolveSchema} are PostgreSQL's ({@code pg_catalog}); callers
     * bring their own.
     *
     * @param name      the dialect name
     * @param technique {@link ApplyTechnique#UNNEST} or {@link ApplyTechnique#VALUES}
     * @return the dialect
     * @throws IllegalArgumentException for {@link ApplyTechnique#JSONB_RECORDSET}, not verified there
     */
    public static PostgresDialect upsertInto(String name, ApplyTechnique technique) {
        if (technique == ApplyTechnique.JSONB_RECORDSET) {
            throw new IllegalArgumentException("technique " + technique + " is not supported with UPSERT INTO;"
                    + " use UNNEST or VALUES");
        }
        return new PostgresDialect(name, technique, UpsertSyntax.UPSERT_INTO, Writer.Limits.DEFAULT);
    }

    /**
     * The seam for PostgreSQL-compatible dialects: another name, upsert syntax or statement size. With
     * {@link UpsertSyntax#INSERT_ON_CONFLICT} the target is PostgreSQL: deletes cast keys as the columns compare
     * them ({@link Writer.KeyCast#COLUMN_COMPARISON}) and its {@code KeyRules} find the keys it would merge. With
     * {@link UpsertSyntax#UPSERT_INTO} (CockroachDB, which compares keys as the source does) keys are cast as
     * values and none merge.
     */
    PostgresDialect(String name, ApplyTechnique technique, UpsertSyntax syntax, Writer.Limits limits) {
        this(name, technique, syntax, limits, new KeyRules());
    }

    private PostgresDialect(String name, ApplyTechnique technique, UpsertSyntax syntax, Writer.Limits limits,
            dev.failback.dialect.postgres.KeyRules keys) {
        super(new Profile(name, "PostgreSQL", "/database/schema", SystemSchemas.postgres(), Identifiers::lowerAscii),
                technique, new Parts((c, path) -> SchemaReader.resolve(c, path.get(0), path.get(1)),
                        (c, schema) -> SchemaReader.read(c, schema, keys), RowChecker::check,
                        Writer.of(requireNonNull(technique, "technique"), requireNonNull(syntax, "syntax"),
                                requireNonNull(limits, "limits"), postgres(syntax) ? Writer.KeyCast.COLUMN_COMPARISON
                                        : Writer.KeyCast.VALUE_TYPE), ErrorClassifier::classify,
                        postgres(syntax) ? keys : KeyComparer.NONE));
    }

    private static boolean postgres(UpsertSyntax syntax) {
        return syntax == UpsertSyntax.INSERT_ON_CONFLICT;
    }
}
