package dev.failback.dialect.cockroach;

import static java.util.Objects.requireNonNull;

import dev.failback.Mutation;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

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
 * {@link PostgresDialect}'s {@code KIND_*} constants, or {@code ""}. Thread-safe and stateless.
 */
public final class CockroachDialect implements Dialect {
    private static final dev.failback.dialect.internal.SystemSchemas SYSTEM_SCHEMAS =
            dev.failback.dialect.internal.SystemSchemas.cockroach();

    private final PostgresDialect writer;

    /** Creates the dialect with {@link ApplyTechnique#UNNEST}. */
    public CockroachDialect() {
        this(ApplyTechnique.UNNEST);
    }

    /**
     * Creates the dialect with a given apply technique.
     *
     * @param technique {@link ApplyTechnique#UNNEST} or {@link ApplyTechnique#VALUES}
     * @throws IllegalArgumentException for {@link ApplyTechnique#JSONB_RECORDSET}
     */
    public CockroachDialect(ApplyTechnique technique) {
        this.writer = PostgresDialect.upsertInto("cockroachdb", requireNonNull(technique, "technique"));
    }

    /**
     * Returns the apply technique in use.
     *
     * @return the technique, never null
     */
    public ApplyTechnique technique() {
        return writer.technique();
    }

    @Override
    public String name() {
        return "cockroachdb";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lower case, as CockroachDB folds unquoted identifiers.
     */
    @Override
    public String foldIdentifier(String unquoted) {
        return dev.failback.spi.Identifiers.lowerAscii(unquoted);
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code pg_catalog}, {@code information_schema}, {@code crdb_internal}, {@code pg_extension}
     * and the temporary schemas {@code pg_temp_*}.
     */
    @Override
    public boolean isSystemSchema(String schema) {
        return SYSTEM_SCHEMAS.isSystem(schema);
    }

    @Override
    public int schemaPathSegments() {
        return 2;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The database segment must name the connected database ({@code current_database()}), exactly
     * or ignoring case; the schema is matched exactly first, then ignoring case.
     */
    @Override
    public String resolveSchema(Connection connection, List<String> segments) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(segments, "segments");
        if (segments.size() != 2) {
            throw new IllegalArgumentException("CockroachDB paths have 2 segments (/database/schema), but got " + segments);
        }
        return SchemaReader.resolve(connection, segments.get(0), segments.get(1));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the base tables of the schema in the connected database with three
     * {@code information_schema} queries.
     */
    @Override
    public TargetSchema readSchema(Connection connection, String schema) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(schema, "schema");
        return SchemaReader.read(connection, schema);
    }

    @Override
    public String checkRow(TableInfo table, String after) {
        return writer.checkRow(table, after);
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        writer.upsert(connection, table, rows);
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        writer.delete(connection, table, rows);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Transient, besides everything {@link PostgresDialect#classify} treats so: CockroachDB's
     * transaction retry errors ({@code 40001}, or any error whose message asks to
     * {@code restart transaction}), ambiguous results ({@code 40003}: the commit may or may not have
     * happened; the apply is idempotent, so retrying is safe), connection errors ({@code 08*}) and
     * node shutdown ({@code 57P01}).
     */
    @Override
    public ErrorKind classify(SQLException e) {
        requireNonNull(e, "e");
        String state = e.getSQLState();
        if (state != null && (state.equals("40001") || state.equals("40003") || state.startsWith("08")
                || state.equals("57P01"))) {
            return ErrorKind.TRANSIENT;
        }
        String message = e.getMessage();
        if (message != null && message.toLowerCase(Locale.ROOT).contains("restart transaction")) {
            return ErrorKind.TRANSIENT;
        }
        return writer.classify(e);
    }

    @Override
    public String toString() {
        return "CockroachDialect[" + writer.technique() + "]";
    }
}
