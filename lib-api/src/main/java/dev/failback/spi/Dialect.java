package dev.failback.spi;

import dev.failback.Mutation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Everything Failback needs to know about one kind of target database: how webhook paths name its
 * schemas, how to read a schema, and how to apply changes set-wise. Implementations are stateless or
 * thread-safe; every method receives the connection to use.
 */
public interface Dialect {

    /**
     * Returns the dialect's name, as logged at start ({@code postgresql}, {@code mysql}, ...).
     *
     * @return the name
     */
    String name();

    /**
     * Returns how many webhook path segments name a target schema: 2 for PostgreSQL and
     * CockroachDB ({@code /database/schema}), 1 for MySQL and Oracle ({@code /SCHEMA}).
     *
     * @return the segment count
     */
    int schemaPathSegments();

    /**
     * Resolves webhook path segments to a schema of the connected target database.
     *
     * @param connection a target connection
     * @param segments   exactly {@link #schemaPathSegments()} decoded segments
     * @return the schema name as the target spells it
     * @throws UnknownTargetException when the database or schema does not exist (the message names it)
     * @throws SQLException           when the target is unreachable
     */
    String resolveSchema(Connection connection, List<String> segments) throws SQLException;

    /**
     * Folds an unquoted identifier as the target does, to compare a name written in a JWT scope or
     * an allow-list with the name the target resolved (see {@link Identifiers}). PostgreSQL and
     * CockroachDB fold to lower case, Oracle to upper case; the default, MySQL's, leaves it
     * unchanged (database names are case-sensitive on Linux).
     *
     * @param unquoted an identifier as written, without quotes
     * @return the name the target would look up
     */
    default String foldIdentifier(String unquoted) {
        return unquoted;
    }

    /**
     * Whether a schema (a database on MySQL, an owner on Oracle) belongs to the database system
     * ({@code pg_catalog}, {@code information_schema}, {@code mysql}, {@code SYS}, ...) and must never
     * be written by a changefeed. Compared ignoring case, so that no spelling of one gets through.
     *
     * @param schema a schema name as a path or the target spells it
     * @return true for a system schema
     */
    default boolean isSystemSchema(String schema) {
        return false;
    }

    /**
     * Reads the tables of a schema: columns, types, primary keys, foreign keys, generated columns.
     *
     * @param connection a target connection
     * @param schema     the schema, as returned by {@link #resolveSchema}
     * @return the schema snapshot
     * @throws SQLException when the target is unreachable
     */
    TargetSchema readSchema(Connection connection, String schema) throws SQLException;

    /**
     * Finds the primary-key columns of a table that can store two keys CockroachDB keeps apart as one
     * row: a collation that ignores case, accents or trailing spaces, a type that rounds. Reported
     * at start, with the fix. The default, for a target that compares keys as CockroachDB does, finds none.
     *
     * @param table the table
     * @return the hazards, in key order; empty when every key column keeps keys apart
     */
    default List<KeyHazard> keyHazards(TableInfo table) {
        return List.of();
    }

    /**
     * Finds, among distinct source keys of one table, those the target would store as one row, as the
     * target itself compares them (its collation, its rounding). Called for tables with
     * {@link #keyHazards} only, inside the apply transaction, before the writes. The default finds none.
     *
     * @param connection a target connection
     * @param table      the table
     * @param keys       distinct source keys, each a JSON array text in primary-key order, in first-seen order
     * @return one collision per key that would merge with an earlier one, the earlier one as {@code kept}; empty when none
     * @throws SQLException when the target fails
     */
    default List<KeyCollision> keyCollisions(Connection connection, TableInfo table, List<String> keys)
            throws SQLException {
        return List.of();
    }

    /**
     * Upserts rows set-wise (a few statements per call, not one per row). Every mutation has a
     * non-null {@code after} object; keys are distinct. A column absent from {@code after} keeps its
     * current value (update) or gets its default (insert). Runs inside the caller's transaction.
     *
     * @param connection a target connection with auto-commit off
     * @param table      the table
     * @param rows       the rows, distinct keys
     * @throws SQLException when the statement fails
     */
    void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;

    /**
     * Deletes rows set-wise by primary key (from each mutation's {@code key} array). Keys are
     * distinct. Deleting a row that does not exist is not an error.
     *
     * @param connection a target connection with auto-commit off
     * @param table      the table
     * @param rows       the rows, distinct keys
     * @throws SQLException when the statement fails
     */
    void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException;

    /**
     * Checks, before a batch is staged, that a row image can ever be applied to the table: each value
     * has a JSON kind the column's type accepts, fits the column (range, precision, length), and is not
     * null for a NOT NULL column. Only failures that retrying cannot fix are reported; anything the
     * dialect cannot judge passes. Called from many threads at once.
     *
     * @param table the table
     * @param after the row image, a JSON object text as the changefeed sent it
     * @return null when the row can be applied, else a message naming the column and the problem
     */
    default String checkRow(TableInfo table, String after) {
        return null;
    }

    /**
     * Classifies a target database error: the one decision of what it means ({@link ErrorKind}), which
     * the engine carries with the failure. By SQLState: {@code 08*}, {@code 40001}, {@code 40P01}, {@code 53*},
     * {@code 57P01}-{@code 57P03}, {@code 57014}, {@code 25P03} are transient; {@code 23*} constraint; {@code 22*}
     * bad data; the rest as {@link ErrorKind#configurationOrFatal}.
     *
     * @param e the error
     * @return its kind, never null
     */
    default ErrorKind classify(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e instanceof java.sql.SQLTransientException || e instanceof java.sql.SQLRecoverableException
                    ? ErrorKind.TRANSIENT : ErrorKind.FATAL;
        }
        if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("57014")
                || state.equals("25P03")) {
            return ErrorKind.TRANSIENT;
        }
        if (state.startsWith("23")) {
            return ErrorKind.CONSTRAINT;
        }
        if (state.startsWith("22")) {
            return ErrorKind.BAD_DATA;
        }
        return ErrorKind.configurationOrFatal(state);
    }
}
