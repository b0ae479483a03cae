package dev.failback.core.internal.apply;

import dev.failback.ApplyException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.Backoff;
import dev.failback.core.internal.Transactions;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a window of mutations to the target in one transaction.
 *
 * <p>The fast path folds every key to its final state in the window and applies deletes child tables
 * first, then upserts parent tables first, one set-wise statement group per table. When a constraint
 * rejects that (for example a child re-pointed to a new parent in the same window in which the old
 * parent is deleted), the folded window is tried upserts first; when a constraint rejects that too
 * (both kinds of conflict in one window), the same transaction is applied step by step: one source
 * transaction at a time, in timestamp order, deletes first and, if a constraint still objects, upserts
 * first. Each source transaction's own final state satisfies the constraints, so the last way always
 * applies what the source committed. Thread-safe.
 */
public final class WindowApplier {
    private static final Logger LOG = LoggerFactory.getLogger(WindowApplier.class);

    /** Attempts of one window before a transient failure is reported. */
    public static final int MAX_ATTEMPTS = 8;
    /** The pauses between in-place retries: 20 ms doubling up to 2 s, plus jitter. */
    public static final Backoff IN_PLACE = new Backoff(20, 2_000);

    private final java.util.concurrent.atomic.LongAdder retries = new java.util.concurrent.atomic.LongAdder();
    private final DataSource target;
    private final Dialect dialect;
    private final int networkTimeoutMillis;
    private final Executor timeoutExecutor;
    private final PipelineMetrics metrics;
    private final Map<String, Hazards> hazards = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile TableTransforms tableTransforms;

    public WindowApplier(DataSource target, Dialect dialect, Duration applyTimeout, Executor timeoutExecutor) {
        this(target, dialect, applyTimeout, timeoutExecutor, PipelineMetrics.of(null, ""));
    }

    public WindowApplier(DataSource target, Dialect dialect, Duration applyTimeout, Executor timeoutExecutor,
            PipelineMetrics metrics) {
        this.metrics = metrics;
        this.target = target;
        this.dialect = dialect;
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, applyTimeout.toMillis());
        this.timeoutExecutor = timeoutExecutor;
    }

    /**
     * Maps each table's rows through the pipeline's {@link dev.failback.transform.TableTransform}s at apply.
     *
     * @param transforms the transforms
     * @param groupOf    the name transforms know a target schema by (the group's), from the schema as the target spells it
     */
    public void transforms(dev.failback.transform.Transforms transforms, java.util.function.UnaryOperator<String> groupOf) {
        this.tableTransforms = transforms == dev.failback.transform.Transforms.NONE ? null
                : new TableTransforms(transforms, groupOf);
    }

    DataSource target() {
        return target;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs in a window's target transaction: {@link #begin} before the writes (it may lock and leave
     * mutations out), {@link #beforeCommit} after them; either may throw to roll the transaction back.
     * Called again on each in-place retry.
     */
    public interface Guard {
        /**
         * At the start of the transaction.
         *
         * @param c      the connection, in its transaction
         * @param window the mutations, in timestamp order
         * @return the mutations to apply, in timestamp order
         * @throws SQLException when the target fails
         */
        default List<Mutation> begin(Connection c, List<Mutation> window) throws SQLException {
            return window;
        }

        /**
         * Whether {@link #begin} takes locks that must outlive a retry of the writes within the
         * transaction (the writes are then rolled back to a savepoint, not the whole transaction).
         *
         * @return true when it does
         */
        default boolean locks() {
            return false;
        }

        /**
         * After the writes, just before the commit.
         *
         * @param c       the connection, in its transaction
         * @param applied the mutations written
         * @throws SQLException when the target fails
         */
        void beforeCommit(Connection c, List<Mutation> applied) throws SQLException;
    }

    /** The rows a committed window changed. */
    public record Result(int upserts, int deletes, Map<String, int[]> tables) {
        Result(int upserts, int deletes) {
            this(upserts, deletes, Map.of());
        }
    }

    /**
     * Folds mutations (in timestamp order) to the final state of each key: the last one wins.
     *
     * @param window mutations in (updated, table, key) order
     * @return final mutation per key, in first-seen order
     */
    static Map<RowKey, Mutation> fold(List<Mutation> window) {
        Map<RowKey, Mutation> last = new LinkedHashMap<>(window.size() * 2);
        for (Mutation m : window) {
            RowKey k = new RowKey(m.table(), m.key());
            Mutation prev = last.get(k);
            if (prev == null || m.updated().compareTo(prev.updated()) >= 0) {
                last.put(k, m);
            }
        }
        return last;
    }

    /**
     * Applies a window in one target transaction and commits it.
     *
     * @param schema the target schema snapshot
     * @param window the mutations, in (updated, table, key) order
     * @return what changed
     * @throws ApplyException when the window cannot be applied; {@link ApplyException#kind()} says what it means
     */
    public Result apply(TargetSchema schema, List<Mutation> window) {
        return apply(schema, window, null);
    }

    /**
     * Like {@link #apply(TargetSchema, List)}, telling {@code onRetry} about each transient failure
     * retried in place, so that the status shows an outage while the window is being retried.
     *
     * @param schema  the target schema snapshot
     * @param window  the mutations, in (updated, table, key) order
     * @param onRetry told the failure before each retry; may be null
     * @return what changed
     * @throws ApplyException when the window cannot be applied
     */
    public Result apply(TargetSchema schema, List<Mutation> window, java.util.function.Consumer<ApplyException> onRetry) {
        return apply(schema, window, onRetry, null);
    }

    /**
     * Like {@link #apply(TargetSchema, List, java.util.function.Consumer)}, with a guard run in the
     * transaction (the lease fence, immediate mode's key versions).
     *
     * @param schema  the target schema snapshot
     * @param window  the mutations, in (updated, table, key) order
     * @param onRetry told the failure before each retry; may be null
     * @param guard   run in the transaction; may be null
     * @return what changed
     * @throws ApplyException     when the window cannot be applied
     * @throws LeaseLostException when the guard found the lease lost (nothing committed)
     */
    public Result apply(TargetSchema schema, List<Mutation> window, java.util.function.Consumer<ApplyException> onRetry,
            Guard guard) {
        if (window.isEmpty()) {
            return new Result(0, 0);
        }
        Map<RowKey, Mutation> folded = fold(window);
        return retrying(() -> applyOnce(schema, window, folded, guard), onRetry);
    }

    /**
     * Applies one source transaction too large to hold in memory ({@link LargeTransaction}) in one target
     * transaction, page by page, with in-place retries of transient failures as {@link #apply}.
     *
     * @param schema  the target schema snapshot
     * @param tx      the transaction's pages in staging
     * @param onRetry told the failure before each retry; may be null
     * @param guard   run in the transaction; may be null
     * @return what changed
     * @throws ApplyException     when the transaction cannot be applied (its poison row is not searched for)
     * @throws LeaseLostException when the guard found the lease lost (nothing committed)
     */
    public Result applyLarge(TargetSchema schema, LargeTransaction tx,
            java.util.function.Consumer<ApplyException> onRetry, Guard guard) {
        return retrying(() -> tx.apply(this, schema, guard), onRetry);
    }

    private Result retrying(java.util.function.Supplier<Result> once, java.util.function.Consumer<ApplyException> onRetry) {
        for (int attempt = 1;; attempt++) {
            try {
                return once.get();
            } catch (ApplyException e) {
                if (attempt >= MAX_ATTEMPTS || e.kind() != ErrorKind.TRANSIENT) {
                    throw e;
                }
                long pause = IN_PLACE.jitteredPause(attempt);
                LOG.debug("transient failure (attempt {} of {}), retrying in {} ms: {}", attempt, MAX_ATTEMPTS,
                        pause, e.getMessage());
                retries.increment();
                metrics.retry();
                if (onRetry != null) {
                    onRetry.accept(e);
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Finds the mutations of a window that the target rejects on their own ({@link PoisonFinder}).
     *
     * @param schema the target schema snapshot
     * @param window the mutations, in (updated, table, key) order
     * @param all    whether to go on after the first rejected source transaction
     * @return the poison rows found, in timestamp order; empty when the window applies stepwise
     * @throws SQLException on a failure outside the replay (connection lost)
     */
    public List<PoisonFinder.Poison> findPoison(TargetSchema schema, List<Mutation> window, boolean all) throws SQLException {
        return PoisonFinder.find(this, schema, window, all);
    }

    /** Transient failures (deadlocks, lock waits, lost connections) retried in place before giving up. */
    public long retries() {
        return retries.sum();
    }

    private Result applyOnce(TargetSchema schema, List<Mutation> all, Map<RowKey, Mutation> allFolded, Guard guard) {
        List<Mutation> window = all;
        try (Connection c = target.getConnection()) {
            prepare(c);
            try {
                Map<RowKey, Mutation> folded = allFolded;
                Savepoint begun = null;
                if (guard != null) {
                    window = guard.begin(c, all);
                    folded = window == all ? allFolded : fold(window);
                    begun = guard.locks() ? c.setSavepoint() : null;
                }
                refuseCollisions(c, schema, folded.values());
                Result r;
                if (window.isEmpty()) {
                    r = new Result(0, 0);
                } else try {
                    r = applyOrdered(c, schema, folded.values(), true);
                } catch (SQLException e) {
                    if (dialect.classify(e) != ErrorKind.CONSTRAINT) {
                        throw e;
                    }
                    rollback(c, begun);
                    try {
                        // For example a parent deleted after its children were re-pointed to another one.
                        r = applyOrdered(c, schema, folded.values(), false);
                        LOG.debug("window applied upserts first after a constraint rejected deletes first ({})",
                                e.getMessage());
                    } catch (SQLException e2) {
                        if (dialect.classify(e2) != ErrorKind.CONSTRAINT) {
                            throw e2;
                        }
                        LOG.debug("window rejected by constraints ({}; {}); applying it one source transaction at a"
                                + " time", e.getMessage(), e2.getMessage());
                        rollback(c, begun);
                        r = applyStepwise(c, schema, window);
                    }
                }
                if (guard != null) {
                    guard.beforeCommit(c, window);
                }
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw wrap(e, all);
        }
    }

    /**
     * Why a large source transaction touching these tables must stay on the in-memory path, or null when
     * it can be applied page by page ({@link LargeTransaction}): a table that references itself needs its
     * rows ordered as a whole (pages would write a child before its parent on another page), and a table
     * whose key column can merge keys is checked for collisions across the whole transaction.
     *
     * @param schema the target schema snapshot
     * @param tables the tables of the transaction, as staged
     * @return the reason, naming the table, or null
     */
    public String largeRefusal(TargetSchema schema, Collection<TableName> tables) {
        Set<TableName> hazardous = hazardous(schema);
        for (TableName staged : tables) {
            TableInfo info = schema.table(staged);
            if (info == null) {
                continue; // reported when applied
            }
            TableName self = info.name().folded();
            if (!info.selfReferences().isEmpty() || info.parents().stream().anyMatch(p -> p.folded().equals(self))) {
                return "table " + info.name() + " references itself";
            }
            if (hazardous.contains(info.name().folded())) {
                return "the key of table " + info.name() + " can merge keys the source keeps apart";
            }
        }
        return null;
    }

    /**
     * Refuses a window in which distinct source keys of a table would become one target row (a collation
     * that ignores case, a column that rounds): asks the target, for the tables whose key columns can
     * merge keys ({@link Dialect#keyHazards}), which of the keys the window upserts it would merge.
     *
     * @throws KeyCollisionError naming the table, both keys and why
     */
    void refuseCollisions(Connection c, TargetSchema schema, Collection<Mutation> rows) throws SQLException {
        Set<TableName> hazardous = hazardous(schema);
        if (hazardous.isEmpty()) {
            return;
        }
        Map<TableName, Set<String>> keys = new LinkedHashMap<>();
        for (Mutation m : rows) {
            TableName table = m.table().folded();
            // only rows the window ends with can be merged: a delete of 'Bob' and an upsert of 'bob' (an UPDATE
            // of the key in CockroachDB) apply right, deletes first
            if (!m.isDelete() && hazardous.contains(table)) {
                keys.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(m.key());
            }
        }
        for (Map.Entry<TableName, Set<String>> e : keys.entrySet()) {
            TableInfo info = schema.table(e.getKey());
            List<KeyCollision> found = dialect.keyCollisions(c, info, List.copyOf(e.getValue()));
            if (!found.isEmpty()) {
                throw new KeyCollisionError(info, found, dialect.keyHazards(info));
            }
        }
    }

    /**
     * The tables of a schema whose key columns can merge keys, by folded name; computed once per snapshot
     * (snapshots are immutable and replaced whole), kept per schema for the pipeline's groups.
     */
    private Set<TableName> hazardous(TargetSchema schema) {
        Hazards known = hazards.get(schema.schema());
        if (known != null && known.schema == schema) {
            return known.tables;
        }
        Set<TableName> tables = new HashSet<>();
        for (TableInfo t : schema.tables().values()) {
            if (!dialect.keyHazards(t).isEmpty()) {
                tables.add(t.name().folded());
            }
        }
        hazards.put(schema.schema(), new Hazards(schema, tables));
        return tables;
    }

    /** The hazardous tables of a schema snapshot. */
    private record Hazards(TargetSchema schema, Set<TableName> tables) {
    }

    /** Rolls back to a savepoint when there is one, else the whole transaction. */
    static void rollback(Connection c, Savepoint to) throws SQLException {
        if (to == null) {
            c.rollback();
        } else {
            c.rollback(to);
        }
    }

    Connection connection() throws SQLException {
        return target.getConnection();
    }

    void prepare(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try {
            c.setNetworkTimeout(timeoutExecutor, networkTimeoutMillis);
        } catch (SQLException | UnsupportedOperationException e) {
            LOG.trace("driver does not support network timeouts", e);
        }
    }

    /**
     * Where the step that starts at {@code from} ends: the mutations of one timestamp, which are applied
     * together when a window is applied step by step.
     *
     * @return the index after the step's last mutation
     */
    static int stepEnd(List<Mutation> window, int from) {
        Hlc ts = window.get(from).updated();
        int to = from;
        while (to < window.size() && window.get(to).updated().equals(ts)) {
            to++;
        }
        return to;
    }

    private Result applyStepwise(Connection c, TargetSchema schema, List<Mutation> window) throws SQLException {
        int upserts = 0;
        int deletes = 0;
        Map<String, int[]> tables = new LinkedHashMap<>();
        int from = 0;
        while (from < window.size()) {
            int to = stepEnd(window, from);
            Collection<Mutation> step = fold(window.subList(from, to)).values();
            Savepoint sp = c.setSavepoint();
            Result r;
            try {
                r = applyOrdered(c, schema, step, true);
            } catch (SQLException e) {
                if (dialect.classify(e) != ErrorKind.CONSTRAINT) {
                    throw e;
                }
                c.rollback(sp);
                r = applyOrdered(c, schema, step, false);
            }
            upserts += r.upserts();
            deletes += r.deletes();
            for (Map.Entry<String, int[]> e : r.tables().entrySet()) {
                int[] n = tables.computeIfAbsent(e.getKey(), k -> new int[2]);
                n[0] += e.getValue()[0];
                n[1] += e.getValue()[1];
            }
            from = to;
        }
        return new Result(upserts, deletes, tables);
    }

    Result applyOrdered(Connection c, TargetSchema schema, Collection<Mutation> rows, boolean deletesFirst)
            throws SQLException {
        Map<TableName, List<Mutation>> upserts = new LinkedHashMap<>();
        Map<TableName, List<Mutation>> deletes = new LinkedHashMap<>();
        Map<TableName, TableInfo> tables = new LinkedHashMap<>();
        for (Mutation m : rows) {
            TableName key = m.table().folded();
            if (!tables.containsKey(key)) {
                TableInfo info = schema.table(m.table());
                if (info == null) {
                    throw new ApplyException("table " + m.table() + " no longer exists in the target", null,
                            ErrorKind.CONFIGURATION);
                }
                tables.put(key, info);
            }
            (m.isDelete() ? deletes : upserts).computeIfAbsent(key, k -> new ArrayList<>()).add(m);
        }
        List<TableInfo> order = TableOrder.parentsFirst(tables.values());
        Map<TableName, TableTransforms.Bound> writers = transform(tables, upserts, deletes);
        int nUpserts = 0;
        int nDeletes = 0;
        if (deletesFirst) {
            nDeletes = deletes(c, order, deletes, writers);
            nUpserts = upserts(c, order, upserts, deletes, writers);
        } else {
            nUpserts = upserts(c, order, upserts, deletes, writers);
            nDeletes = deletes(c, order, deletes, writers);
        }
        Map<String, int[]> perTable = new LinkedHashMap<>();
        for (Map.Entry<TableName, List<Mutation>> e : upserts.entrySet()) {
            perTable.computeIfAbsent(tables.get(e.getKey()).name().name(), k -> new int[2])[0] += e.getValue().size();
        }
        for (Map.Entry<TableName, List<Mutation>> e : deletes.entrySet()) {
            perTable.computeIfAbsent(tables.get(e.getKey()).name().name(), k -> new int[2])[1] += e.getValue().size();
        }
        return new Result(nUpserts, nDeletes, perTable);
    }

    /**
     * Maps the rows of the tables that have a {@link dev.failback.transform.TableTransform}, in place.
     *
     * @return the tables whose transform writes its rows itself, by folded name
     */
    private Map<TableName, TableTransforms.Bound> transform(Map<TableName, TableInfo> tables,
            Map<TableName, List<Mutation>> upserts, Map<TableName, List<Mutation>> deletes) {
        if (tableTransforms == null) {
            return Map.of();
        }
        Map<TableName, TableTransforms.Bound> writers = new LinkedHashMap<>();
        for (Map.Entry<TableName, TableInfo> e : tables.entrySet()) {
            TableTransforms.Bound bound = tableTransforms.of(e.getValue());
            if (bound == null) {
                continue;
            }
            upserts.computeIfPresent(e.getKey(), (k, rows) -> bound.upserts(rows));
            deletes.computeIfPresent(e.getKey(), (k, rows) -> bound.deletes(rows));
            refold(e.getKey(), upserts, deletes);
            if (bound.writes()) {
                writers.put(e.getKey(), bound);
            }
        }
        return writers;
    }

    /**
     * After a transform mapped a table's keys, keeps one mutation per mapped key, the newest (two source keys a
     * transform maps to one target key, or a delete re-keyed onto an upserted key): the dialects write
     * distinct keys, and the newest change wins as it does for one source key.
     */
    private static void refold(TableName table, Map<TableName, List<Mutation>> upserts,
            Map<TableName, List<Mutation>> deletes) {
        List<Mutation> up = upserts.getOrDefault(table, List.of());
        List<Mutation> down = deletes.getOrDefault(table, List.of());
        Map<String, Mutation> last = new LinkedHashMap<>((up.size() + down.size()) * 2);
        for (List<Mutation> rows : List.of(down, up)) {
            for (Mutation m : rows) {
                Mutation prev = last.get(m.key());
                if (prev == null || m.updated().compareTo(prev.updated()) >= 0) {
                    last.put(m.key(), m);
                }
            }
        }
        if (last.size() == up.size() + down.size()) {
            return; // no two mutations share a key
        }
        List<Mutation> keptUp = new ArrayList<>();
        List<Mutation> keptDown = new ArrayList<>();
        for (Mutation m : last.values()) {
            (m.isDelete() ? keptDown : keptUp).add(m);
        }
        if (upserts.containsKey(table)) {
            upserts.put(table, keptUp);
        }
        if (deletes.containsKey(table)) {
            deletes.put(table, keptDown);
        }
    }

    private int deletes(Connection c, List<TableInfo> order, Map<TableName, List<Mutation>> deletes,
            Map<TableName, TableTransforms.Bound> writers) throws SQLException {
        int n = 0;
        for (int i = order.size() - 1; i >= 0; i--) {
            TableInfo t = order.get(i);
            List<Mutation> rows = writers.containsKey(t.name().folded()) ? null : deletes.get(t.name().folded());
            if (rows != null && !rows.isEmpty()) {
                try {
                    dialect.delete(c, t, rows);
                } catch (SQLException e) {
                    throw annotate(e, "deleting " + rows.size() + " rows from " + t.name());
                }
                n += rows.size();
            }
        }
        return n;
    }

    private int upserts(Connection c, List<TableInfo> order, Map<TableName, List<Mutation>> upserts,
            Map<TableName, List<Mutation>> deletes, Map<TableName, TableTransforms.Bound> writers) throws SQLException {
        int n = 0;
        for (TableInfo t : order) {
            List<Mutation> rows = upserts.get(t.name().folded());
            TableTransforms.Bound writer = writers.get(t.name().folded());
            if (writer != null) {
                List<Mutation> gone = deletes.getOrDefault(t.name().folded(), List.of());
                List<Mutation> put = rows == null ? List.of() : SelfReferenceOrder.parentsFirst(t, rows);
                if (!gone.isEmpty() || !put.isEmpty()) {
                    try {
                        writer.write(c, dialect, gone, put);
                    } catch (SQLException e) {
                        throw annotate(e, "writing " + (gone.size() + put.size()) + " rows of " + t.name()
                                + " through the transform's onWrite");
                    }
                }
                n += put.size();
                continue;
            }
            if (rows != null && !rows.isEmpty()) {
                rows = SelfReferenceOrder.parentsFirst(t, rows);
                try {
                    dialect.upsert(c, t, rows);
                } catch (SQLException e) {
                    throw annotate(e, "upserting " + rows.size() + " rows into " + t.name());
                }
                n += rows.size();
            }
        }
        return n;
    }

    private static SQLException annotate(SQLException e, String what) {
        SQLException wrapped = new SQLException(what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        return wrapped;
    }

    private ApplyException wrap(SQLException e, List<Mutation> window) {
        return wrap(e, window.size() + " mutations " + window.get(0).updated() + ".."
                + window.get(window.size() - 1).updated());
    }

    /** The failure of {@code what} as the pipeline reports it: the dialect's verdict on it, with its codes. */
    ApplyException wrap(SQLException e, String what) {
        // keys the target would merge never apply as they are, whatever the dialect makes of SQLState 23000
        ErrorKind kind = e instanceof KeyCollisionError ? ErrorKind.BAD_DATA : dialect.classify(e);
        String msg = e.getMessage() + " [SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + ", "
                + kind.label() + "; " + what + "]";
        // The dialect's verdict travels with the failure: only bad data (a value the column cannot hold) will
        // never apply; a constraint (a parent not yet there in immediate mode), a lost connection or a missing
        // privilege may all heal, so they are retried (ErrorKind#retryable).
        return new ApplyException(msg, e, kind);
    }
}
