package dev.failback.spi;

import dev.failback.Hlc;
import dev.failback.Mutation;
import java.sql.SQLException;
import java.util.List;

/**
 * Durable storage for mutations between their arrival and their application (consistent mode), per
 * target schema: stage, read, retire. Lifecycle: {@link Store}. Implementations are thread-safe.
 *
 * <p>Immediate mode's applied key versions and dead letters are other jobs, with their own SPIs:
 * {@link VersionStore} and {@link DeadLetterStore}. The built-in stores implement all three on one set
 * of tables; a custom staging store may implement them too, and is then used for them unless the
 * builder is given another.
 */
public interface StagingStore extends Store {

    /**
     * Durably stores a batch, all or nothing. Idempotent on (table, key, updated): a mutation
     * already staged is not staged again.
     *
     * @param schema    the target schema, as the target spells it ({@code database.schema} on PostgreSQL)
     * @param mutations the mutations
     * @return how many were newly staged (the rest were duplicates)
     * @throws SQLException when the store is unreachable; nothing was staged
     */
    int stage(String schema, List<Mutation> mutations) throws SQLException;

    /**
     * Reads one page of staged mutations with {@code from < updated <= to}, ordered by
     * (updated, table, key), starting after {@code after} when given (keyset paging).
     *
     * @param schema the target schema
     * @param from   exclusive lower bound
     * @param to     inclusive upper bound
     * @param after  the last mutation of the previous page, or null for the first page
     * @param limit  the most rows to return
     * @return the page, never null; shorter than {@code limit} at the end
     * @throws SQLException when the store is unreachable
     */
    List<Mutation> read(String schema, Hlc from, Hlc to, Mutation after, int limit) throws SQLException;

    /**
     * Deletes staged mutations with {@code updated <= upTo}.
     *
     * @param schema the target schema
     * @param upTo   inclusive bound
     * @return how many were deleted
     * @throws SQLException when the store is unreachable
     */
    long retire(String schema, Hlc upTo) throws SQLException;

    /**
     * Deletes staged mutations with {@code after < updated <= upTo}: the rows applied since the previous
     * retire, so that the cost follows the rows retired rather than the rows still staged. Rows at or
     * before {@code after} are left to {@link #retire(String, Hlc)}.
     *
     * @param schema the target schema
     * @param after  exclusive lower bound (the previous retire's {@code upTo})
     * @param upTo   inclusive bound
     * @return how many were deleted
     * @throws SQLException when the store is unreachable
     */
    default long retire(String schema, Hlc after, Hlc upTo) throws SQLException {
        return retire(schema, upTo);
    }

    /**
     * Counts staged mutations of a target schema.
     *
     * @param schema the target schema
     * @return the count
     * @throws SQLException when the store is unreachable
     */
    long count(String schema) throws SQLException;

    /**
     * Counts staged mutations of a target schema after a timestamp: those not yet applied when
     * {@code after} is the applied checkpoint (rows kept by a retire offset are at or before it).
     *
     * @param schema the target schema
     * @param after  the exclusive lower bound
     * @return the count; the default counts them all ({@link #count(String)})
     * @throws SQLException when the store is unreachable
     */
    default long countAfter(String schema, Hlc after) throws SQLException {
        return count(schema);
    }

    /**
     * Classifies an error this store threw: the one decision of what a staging failure means, carried by
     * {@link dev.failback.StagingException#kind()} (a webhook request gets {@link ErrorKind#webhookStatus()}).
     * The default, by SQLState: {@code 54*} (program limit exceeded, such as a key too large for the
     * staging index: the same request fails the same way every time) is {@link ErrorKind#BAD_DATA};
     * {@code 08*}, {@code 40*}, {@code 53*}, {@code 57*} and the JDBC transient exceptions are
     * {@link ErrorKind#TRANSIENT}; the rest as {@link ErrorKind#configurationOrFatal}. Called from many threads.
     *
     * @param e an error this store threw
     * @return its kind, never null
     */
    default ErrorKind classify(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("54")) {
            return ErrorKind.BAD_DATA;
        }
        if (state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.startsWith("57")) || e instanceof java.sql.SQLTransientException
                || e instanceof java.sql.SQLRecoverableException) {
            return ErrorKind.TRANSIENT;
        }
        return ErrorKind.configurationOrFatal(state);
    }
}
