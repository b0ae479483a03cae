package dev.failback.dialect.cockroach;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.SystemSchemas;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.Identifiers;

/**
 * The CockroachDB dialect: webhook paths {@code /database/schema}, schemas read from
 * {@code information_schema} (as MOLT Replicator does for CockroachDB targets), rows applied set-wise
 * with {@code UPSERT INTO t (cols) SELECT ... FROM (SELECT unnest(?::text[]) ...)} and deleted with
 * {@code DELETE ... WHERE (pk) IN (SELECT ...)}.
 *
 * <p>Values are converted exactly as by {@link PostgresDialect} (CockroachDB's input functions read
 * the same texts; geometry and geography go through its built-in {@code ST_GeomFromGeoJSON}).
 * {@code UPSERT} with a column list writes only the listed columns of an existing row, so rows that
 * lack some columns keep the others, and new rows get defaults.
 *
 * <p>Known limits: a {@code GENERATED ALWAYS AS IDENTITY} column present in the changefeed rows is
 * written and CockroachDB refuses that (use {@code BY DEFAULT}); geometry columns with an SRID other
 * than the GeoJSON default 4326 get none set.
 *
 * <p>{@link #readSchema} fills {@link dev.failback.spi.ColumnInfo#typeKind()} with
 * {@link PostgresDialect}'s {@code KIND_*} constants, or {@code ""}.
 *
 * <p>Unquoted identifiers fold to lower case. The system schemas are {@code pg_catalog},
 * {@code information_schema}, {@code crdb_internal}, {@code pg_extension} and the temporary schemas
 * {@code pg_temp_*}. Thread-safe and stateless.
 */
public final class CockroachDialect extends AbstractDialect<ApplyTechnique> {
    /** The technique used by {@link #CockroachDialect()}. */
    public static final ApplyTechnique DEFAULT_TECHNIQUE = ApplyTechnique.UNNEST;

    /** Creates the dialect with {@link #DEFAULT_TECHNIQUE}. */
    public CockroachDialect() {
        this(DEFAULT_TECHNIQUE);
    }

    /**
     * Creates the dialect with a given apply technique.
     *
     * @param technique {@link ApplyTechnique#UNNEST} or {@link ApplyTechnique#VALUES}
     * @throws IllegalArgumentException for {@link ApplyTechnique#JSONB_RECORDSET}
     */

    public CockroachDialect(ApplyTechnique technique) {
        super(new Profile("cockroachdb", "CockroachDB", "/database/schema", SystemSchemas.cockroach(),
                Identifiers::lowerAscii), technique, new Parts((c, path) -> SchemaReader.resolve(c, path.get(0),
                        path.get(1)), SchemaReader::read, RowChecker::check, new Writer(technique), ErrorClassifier::classify));
    }

}
