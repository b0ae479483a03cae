package dev.failback.dialect.internal;

import static java.util.Objects.requireNonNull;

import dev.failback.Mutation;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every dialect of this module does alike: argument checks, the webhook path shape, system
 * schemas, identifier folding, logging, and error classification that falls back to the SPI's
 * SQLState rules. A dialect package supplies the rest through its own classes of the same names:
 * {@code SchemaReader}, {@code RowChecker}, {@code Writer} and {@code ErrorClassifier}. The apply
 * technique is chosen in the dialect's constructor ({@code DEFAULT_TECHNIQUE} when none is given)
 * and read back with {@link #technique()}.
 *
 * <p>Internal: not for applications. Subclasses must be thread-safe.
 *
 * @param <T> the dialect's technique type
 */
public abstract class AbstractDialect<T extends Enum<T>> implements Dialect {
    /** Resolves webhook path segments, already counted, to a target schema. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * Resolves a path.
         *
         * @param connection a target connection
         * @param segments   the path segments, as many as the path shape has
         * @return the schema
         * @throws SQLException when the target is unreachable
         */
        String resolve(Connection connection, List<String> segments) throws SQLException;
    }

    /** Reads a target schema from the catalog. */
    @FunctionalInterface
    public interface Reader {
        /**
         * Reads a schema.
         *
         * @param connection a target connection
         * @param schema     the schema
         * @return its tables
         * @throws SQLException when the target is unreachable
         */
        TargetSchema read(Connection connection, String schema) throws SQLException;
    }

    /** Checks a row before it is staged; see {@link Dialect#checkRow}. */
    @FunctionalInterface
    public interface Checker {
        /**
         * Checks a row.
         *
         * @param table the table
         * @param after the row's JSON
         * @return why the row cannot be written, or null
         */
        String check(TableInfo table, String after);
    }

    /** Writes rows, at least one per call; thread-safe. */
    public interface RowWriter {
        /**
         * Upserts rows.
         *
         * @param connection the target connection
         * @param table      the table
         * @param rows       the rows
         * @throws SQLException when the target refuses them
         */
        void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;

        /**
         * Deletes rows by key.
         *
         * @param connection the target connection
         * @param table      the table
         * @param rows       the rows
         * @throws SQLException when the target refuses them
         */
        void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;
    }

    /** A dialect's own classification of errors. */
    @FunctionalInterface
    public interface Classifier {
        /**
         * Classifies an error.
         *
         * @param e the error
         * @return its kind, or null for the SPI's SQLState rules
         */
        ErrorKind classify(SQLException e);
    }

    /** How a dialect's target compares primary keys: see {@link Dialect#keyHazards} and {@link Dialect#keyCollisions}. */
    public interface KeyComparer {
        /** A target that compares keys as CockroachDB does. */
        KeyComparer NONE = new KeyComparer() {
            @Override
            public List<KeyHazard> hazards(TableInfo table) {
                return List.of();
            }

            @Override
            public List<KeyCollision> collisions(Connection connection, TableInfo table, List<String> keys) {
                return List.of();
            }
        };

        /**
         * Finds the key columns that can merge keys.
         *
         * @param table the table
         * @return the hazards
         */
        List<KeyHazard> hazards(TableInfo table);

        /**
         * Finds the keys the target would merge.
         *
         * @param connection a target connection
         * @param table      a table with hazards
         * @param keys       distinct source keys
         * @return the collisions
         * @throws SQLException when the target fails
         */
        List<KeyCollision> collisions(Connection connection, TableInfo table, List<String> keys) throws SQLException;
    }

    /**
     * What names a dialect's database.
     *
     * @param name          the dialect name
     * @param product       the database's name in messages ({@code PostgreSQL})
     * @param pathShape     the webhook path that names a target schema ({@code /database/schema})
     * @param systemSchemas the database's own schemas
     * @param fold          how the database folds unquoted identifiers
     */
    public record Profile(String name, String product, String pathShape, SystemSchemas systemSchemas,
            UnaryOperator<String> fold) {
        /** Checks the name. */
        public Profile {
            requireNonNull(name, "name");
        }
    }

    /**
     * The classes of a dialect package that do the work.
     *
     * @param resolver   its {@code SchemaReader}'s path resolution
     * @param reader     its {@code SchemaReader}
     * @param checker    its {@code RowChecker}
     * @param writer     its {@code Writer}
     * @param classifier its {@code ErrorClassifier}
     * @param keys       its {@code KeyRules}
     */
    public record Parts(Resolver resolver, Reader reader, Checker checker, RowWriter writer, Classifier classifier,
            KeyComparer keys) {
        /**
         * The parts of a dialect whose target compares keys as CockroachDB does.
         *
         * @param resolver   its {@code SchemaReader}'s path resolution
         * @param reader     its {@code SchemaReader}
         * @param checker    its {@code RowChecker}
         * @param writer     its {@code Writer}
         * @param classifier its {@code ErrorClassifier}
         */
        public Parts(Resolver resolver, Reader reader, Checker checker, RowWriter writer, Classifier classifier) {
            this(resolver, reader, checker, writer, classifier, KeyComparer.NONE);
        }
    }

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final Profile profile;
    private final T technique;
    private final Parts parts;

    /**
     * Creates the shared part.
     *
     * @param profile   what names the database
     * @param technique the apply technique, never null
     * @param parts     the package's classes
     */
    protected AbstractDialect(Profile profile, T technique, Parts parts) {
        this.profile = profile;
        this.technique = requireNonNull(technique, "technique");
        this.parts = parts;
    }

    @Override
    public String name() {
        return profile.name();
    }

    /**
     * Returns the apply technique in use.
     *
     * @return the technique, never null
     */
    public T technique() {
        return technique;
    }

    @Override
    public String foldIdentifier(String unquoted) {
        return profile.fold().apply(unquoted);
    }

    @Override
    public boolean isSystemSchema(String schema) {
        return profile.systemSchemas().isSystem(schema);
    }

    @Override
    public final int schemaPathSegments() {
        return (int) profile.pathShape().chars().filter(ch -> ch == '/').count();
    }

    @Override
    public String resolveSchema(Connection connection, List<String> segments) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(segments, "segments");
        int expected = schemaPathSegments();
        if (segments.size() != expected) {
            throw new IllegalArgumentException(profile.product() + " paths have " + expected
                    + (expected == 1 ? " segment (" : " segments (") + profile.pathShape() + "), but got " + segments);
        }
        return parts.resolver().resolve(connection, segments);
    }

    @Override
    public TargetSchema readSchema(Connection connection, String schema) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(schema, "schema");
        return parts.reader().read(connection, schema);
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        if (checked(connection, table, rows)) {
            log.debug("upsert {} rows into {} ({})", rows.size(), table.name(), technique);
            parts.writer().upsert(connection, table, rows);
        }
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        if (checked(connection, table, rows)) {
            log.debug("delete {} rows from {} ({})", rows.size(), table.name(), technique);
            parts.writer().delete(connection, table, rows);
        }
    }

    private static boolean checked(Connection connection, TableInfo table, List<Mutation> rows) {
        requireNonNull(connection, "connection");
        requireNonNull(table, "table");
        requireNonNull(rows, "rows");
        return !rows.isEmpty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The dialect's own verdict first (its {@code ErrorClassifier}); the SPI's SQLState rules otherwise.
     */
    @Override
    public final ErrorKind classify(SQLException e) {
        requireNonNull(e, "e");
        ErrorKind kind = parts.classifier().classify(e);
        return kind != null ? kind : Dialect.super.classify(e);
    }

    @Override
    public final List<KeyHazard> keyHazards(TableInfo table) {
        return parts.keys().hazards(requireNonNull(table, "table"));
    }

    @Override
    public final List<KeyCollision> keyCollisions(Connection connection, TableInfo table, List<String> keys)
            throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(table, "table");
        return keys.size() < 2 ? List.of() : parts.keys().collisions(connection, table, keys);
    }

    @Override
    public final String checkRow(TableInfo table, String after) {
        return parts.checker().check(table, after);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + profile.name() + ", " + technique + "]";
    }
}
