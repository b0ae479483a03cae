package dev.failback.spi;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
     * The tables with mutations staged at exactly {@code at}: what one source transaction touched, for
     * applying a transaction too large to hold in memory table by table ({@code largeTransactionRows}).
     * The default pages through {@link #read}; the built-in stores ask with one query.
     *
     * @param schema the target schema
     * @param at     the source timestamp
     * @return the tables, each once, in no particular order; never null
     * @throws SQLException when the store is unreachable
     */
    default List<TableName> tablesAt(String schema, Hlc at) throws SQLException {
        Set<TableName> tables = new LinkedHashSet<>();
        Hlc from = before(at);
        Mutation after = null;
        while (true) {
            List<Mutation> page = read(schema, from, at, after, 10_000);
            for (Mutation m : page) {
                tables.add(m.table());
            }
            if (page.size() < 10_000) {
                return List.copyOf(tables);
            }
            after = page.get(page.size() - 1);
        }
    }

    /**
     * One page of the mutations of one table staged at exactly {@code at}, in the order of
     * {@link #read}, after {@code after} (a mutation of the same table and timestamp) when given. The
     * default pages through {@link #read} and keeps the table's rows; the built-in stores read only them.
     *
     * @param schema the target schema
     * @param at     the source timestamp
     * @param table  the table, as {@link #tablesAt} returned it
     * @param after  the last mutation of the previous page, or null for the first page
     * @param limit  the most rows to return
     * @return the page, never null; shorter than {@code limit} at the end
     * @throws SQLException when the store is unreachable
     */
    default List<Mutation> readAt(String schema, Hlc at, TableName table, Mutation after, int limit)
            throws SQLException {
        List<Mutation> out = new ArrayList<>();
        Hlc from = before(at);
        Mutation cursor = after;
        while (out.size() < limit) {
            List<Mutation> page = read(schema, from, at, cursor, limit);
            for (Mutation m : page) {
                if (m.table().equals(table) && out.size() < limit) {
                    out.add(m);
                }
            }
            if (page.size() < limit) {
                break;
            }
            cursor = out.size() == limit ? out.get(limit - 1) : page.get(page.size() - 1);
        }
        return out;
    }

    /**
     * The timestamp just before {@code at}: the exclusive lower bound of a {@link #read} of {@code at} alone.
     *
     * @param at a timestamp after zero
     * @return its predecessor
     */
    private static Hlc before(Hlc at) {
        if (at.logical() > 0) {
            return new Hlc(at.wall(), at.logical() - 1);
        }
        if (at.wall() == 0) {
            throw new IllegalArgumentException("no timestamp is before " + at);
        }
        return new Hlc(at.wall() - 1, Integer.MAX_VALUE);
    }

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
