package dev.failback.spi;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Durable storage for mutations between their arrival and their application, per target schema
 * ("group"). Lifecycle: {@link #init} once, then any method from any thread, then {@link #close}.
 * Implementations are thread-safe.
 */
public interface StagingStore extends AutoCloseable {

    /**
     * Prepares the store (creates tables when missing).
     *
     * @throws SQLException when the store is unreachable or cannot be prepared
     */
    void init() throws SQLException;

    /**
     * Durably stores a batch, all or nothing. Idempotent on (table, key, updated): a mutation
     * already staged is not staged again.
     *
     * @param group     the group
     * @param mutations the mutations
     * @return how many were newly staged (the rest were duplicates)
     * @throws SQLException when the store is unreachable; nothing was staged
     */
    int stage(String group, List<Mutation> mutations) throws SQLException;

    /**
     * Reads one page of staged mutations with {@code from < updated <= to}, ordered by
     * (updated, table, key), starting after {@code after} when given (keyset paging).
     *
     * @param group the group
     * @param from  exclusive lower bound
     * @param to    inclusive upper bound
     * @param after the last mutation of the previous page, or null for the first page
     * @param limit the most rows to return
     * @return the page, never null; shorter than {@code limit} at the end
     * @throws SQLException when the store is unreachable
     */
    List<Mutation> read(String group, Hlc from, Hlc to, Mutation after, int limit) throws SQLException;

    /**
     * Deletes staged mutations with {@code updated <= upTo}.
     *
     * @param group the group
     * @param upTo  inclusive bound
     * @return how many were deleted
     * @throws SQLException when the store is unreachable
     */
    long retire(String group, Hlc upTo) throws SQLException;

    /**
     * Deletes staged mutations with {@code after < updated <= upTo}: the rows applied since the previous
     * retire, so that the cost follows the rows retired rather than the rows still staged. Rows at or
     * before {@code after} are left to {@link #retire(String, Hlc)}.
     *
     * @param group the group
     * @param after exclusive lower bound (the previous retire's {@code upTo})
     * @param upTo  inclusive bound
     * @return how many were deleted
     * @throws SQLException when the store is unreachable
     */
    default long retire(String group, Hlc after, Hlc upTo) throws SQLException {
        return retire(group, upTo);
    }

    /**
     * Counts staged mutations of a group.
     *
     * @param group the group
     * @return the count
     * @throws SQLException when the store is unreachable
     */
    long count(String group) throws SQLException;

    /**
     * Counts staged mutations of a group after a timestamp: those not yet applied when {@code after}
     * is the applied checkpoint (rows kept by a retire offset are at or before it).
     *
     * @param group the group
     * @param after the exclusive lower bound
     * @return the count; the default counts them all ({@link #count(String)})
     * @throws SQLException when the store is unreachable
     */
    default long countAfter(String group, dev.failback.Hlc after) throws SQLException {
        return count(group);
    }

    /**
     * For immediate mode: the newest applied version of each of these keys, when recorded.
     *
     * @param group the group
     * @param keys  the keys asked about
     * @return recorded versions, by key; keys never applied are absent
     * @throws SQLException when the store is unreachable
     */
    Map<RowKey, Hlc> appliedVersions(String group, Collection<RowKey> keys) throws SQLException;

    /**
     * For immediate mode: records applied versions (never moving a key's version backwards).
     *
     * @param group    the group
     * @param versions the versions applied
     * @throws SQLException when the store is unreachable
     */
    void recordVersions(String group, Map<RowKey, Hlc> versions) throws SQLException;

    /**
     * For immediate mode: forgets versions up to {@code upTo}; mutations that old are dropped on
     * arrival anyway.
     *
     * @param group the group
     * @param upTo  inclusive bound
     * @throws SQLException when the store is unreachable
     */
    void retireVersions(String group, Hlc upTo) throws SQLException;

    /**
     * For immediate mode: whether any versions of a group are recorded. Immediate mode keeps versions
     * in memory and spills them here only past a bound; when this says none are left, it stops
     * looking here. The default, true, keeps it looking.
     *
     * @param group the group
     * @return false only when no version of the group is recorded
     * @throws SQLException when the store is unreachable
     */
    default boolean holdsVersions(String group) throws SQLException {
        return true;
    }

    /**
     * Records a mutation the target rejected permanently (a poison row), so that it can be skipped
     * ({@link dev.failback.Failback.Builder#deadLetter(boolean)}). Idempotent on (group, table, key,
     * updated). Must be durable when it returns: the window is committed without the mutation next.
     *
     * @param group    the group
     * @param mutation the rejected mutation
     * @param reason   why the target rejected it (message, SQLState)
     * @throws SQLException when the store is unreachable
     * @throws UnsupportedOperationException when the store keeps no dead letters (the default)
     */
    default void deadLetter(String group, Mutation mutation, String reason) throws SQLException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no dead letters");
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

    /** Releases resources. Idempotent. */
    @Override
    default void close() {
    }

    /**
     * A row's identity: its table and primary-key JSON array text.
     *
     * @param table the table
     * @param key   the key JSON text
     */
    record RowKey(TableName table, String key) {
    }
}
