package dev.failback.dialect.internal;

import static java.util.Objects.requireNonNull;

import dev.failback.Mutation;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
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
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final T technique;
    private final String product;
    private final String pathShape;
    private final int segments;
    private final SystemSchemas systemSchemas;
    private final UnaryOperator<String> fold;

    /**
     * Creates the shared part.
     *
     * @param name          the dialect name
     * @param technique     the apply technique, never null
     * @param product       the database's name in messages ({@code PostgreSQL})
     * @param pathShape     the webhook path that names a target schema ({@code /database/schema})
     * @param systemSchemas the database's own schemas
     * @param fold          how the database folds unquoted identifiers
     */
    protected AbstractDialect(String name, T technique, String product, String pathShape,
            SystemSchemas systemSchemas, UnaryOperator<String> fold) {
        this.name = requireNonNull(name, "name");
        this.technique = requireNonNull(technique, "technique");
        this.product = product;
        this.pathShape = pathShape;
        this.segments = (int) pathShape.chars().filter(ch -> ch == '/').count();
        this.systemSchemas = systemSchemas;
        this.fold = fold;
    }

    @Override
    public String name() {
        return name;
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
        return fold.apply(unquoted);
    }

    @Override
    public boolean isSystemSchema(String schema) {
        return systemSchemas.isSystem(schema);
    }

    @Override
    public final int schemaPathSegments() {
        return segments;
    }

    @Override
    public String resolveSchema(Connection connection, List<String> segments) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(segments, "segments");
        if (segments.size() != this.segments) {
            throw new IllegalArgumentException(product + " paths have " + this.segments
                    + (this.segments == 1 ? " segment (" : " segments (") + pathShape + "), but got " + segments);
        }
        return resolve(connection, segments);
    }

    @Override
    public TargetSchema readSchema(Connection connection, String schema) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(schema, "schema");
        return read(connection, schema);
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        if (checked(connection, table, rows)) {
            log.debug("upsert {} rows into {} ({})", rows.size(), table.name(), technique);
            write(connection, table, rows);
        }
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        if (checked(connection, table, rows)) {
            log.debug("delete {} rows from {} ({})", rows.size(), table.name(), technique);
            erase(connection, table, rows);
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
     * <p>The dialect's own verdict first ({@link #classifyFirst}); the SPI's SQLState rules otherwise.
     */
    @Override
    public final ErrorKind classify(SQLException e) {
        requireNonNull(e, "e");
        ErrorKind kind = classifyFirst(e);
        return kind != null ? kind : Dialect.super.classify(e);
    }

    /**
     * Resolves a path whose segment count is already checked.
     *
     * @param connection a target connection
     * @param segments   the path segments
     * @return the schema
     * @throws SQLException when the target is unreachable
     */
    protected abstract String resolve(Connection connection, List<String> segments) throws SQLException;

    /**
     * Reads a target schema.
     *
     * @param connection a target connection
     * @param schema     the schema
     * @return its tables
     * @throws SQLException when the target is unreachable
     */
    protected abstract TargetSchema read(Connection connection, String schema) throws SQLException;

    /**
     * Upserts rows, at least one.
     *
     * @param connection the target connection
     * @param table      the table
     * @param rows       the rows
     * @throws SQLException when the target refuses them
     */
    protected abstract void write(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;

    /**
     * Deletes rows by key, at least one.
     *
     * @param connection the target connection
     * @param table      the table
     * @param rows       the rows
     * @throws SQLException when the target refuses them
     */
    protected abstract void erase(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;

    /**
     * The dialect's own classification of an error.
     *
     * @param e the error
     * @return its kind, or null for the SPI's SQLState rules
     */
    protected abstract ErrorKind classifyFirst(SQLException e);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + technique + "]";
    }
}
