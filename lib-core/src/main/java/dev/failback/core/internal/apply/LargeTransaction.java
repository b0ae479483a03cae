package dev.failback.core.internal.apply;

import dev.failback.ApplyException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.StagingStore;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source transaction with more mutations than consistent mode holds in memory (a bulk {@code UPDATE}
 * of a million rows in CockroachDB): applied in one target transaction, so it stays atomic, read from
 * staging one page of one table at a time, so the heap holds one page whatever the transaction's size.
 *
 * <p>The deletes go first, table by table children first, then the upserts, parents first; when a
 * constraint rejects that order (a parent deleted after its children were re-pointed), the transaction
 * is rolled back and applied upserts first. Within a source transaction a key appears once, so pages
 * need no fold. What the in-memory path does per window is done per page: key collisions are looked
 * for within a page, a self-referencing table's rows are ordered within a page, and the poison row is
 * not searched for (the error names the table and the statement, and the group stops as it does for a
 * poison row without dead letters). Not thread-safe; one per transaction.
 */
public final class LargeTransaction {
    private static final long KEEP_ALIVE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final StagingStore staging;
    private final String group;
    private final Hlc at;
    private final int pageSize;
    private long rows;
    /** When the target last heard from this transaction (nanoTime). */
    private long lastTargetNanos;

    /**
     * @param staging  where the transaction is staged
     * @param group    the target schema (staging group)
     * @param at       the transaction's timestamp
     * @param pageSize the most mutations read at once
     */
    public LargeTransaction(StagingStore staging, String group, Hlc at, int pageSize) {
        this.staging = staging;
        this.group = group;
        this.at = at;
        this.pageSize = pageSize;
    }

    /** @return the transaction's timestamp */
    public Hlc at() {
        return at;
    }

    /** @return the mutations read by the last attempt (its size, once applied) */
    public long rows() {
        return rows;
    }

    WindowApplier.Result apply(WindowApplier applier, TargetSchema schema, WindowApplier.Guard guard) {
        rows = 0;
        lastTargetNanos = System.nanoTime();
        try (Connection c = applier.connection()) {
            applier.prepare(c);
            try {
                Savepoint begun = null;
                if (guard != null) {
                    guard.begin(c, List.of());
                    begun = guard.locks() ? c.setSavepoint() : null;
                }
                Map<TableInfo, List<TableName>> tables = tables(schema);
                List<TableInfo> parentsFirst = TableOrder.parentsFirst(tables.keySet());
                WindowApplier.Result r;
                try {
                    r = applyOrdered(applier, c, schema, tables, parentsFirst, true);
                } catch (SQLException e) {
                    if (applier.dialect().classify(e) != ErrorKind.CONSTRAINT) {
                        throw e;
                    }
                    WindowApplier.rollback(c, begun);
                    r = applyOrdered(applier, c, schema, tables, parentsFirst, false);
                }
                if (guard != null) {
                    guard.beforeCommit(c, List.of());
                }
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw applier.wrap(e, "source transaction " + at + " applied as one large transaction (" + rows
                    + " mutations read)");
        }
    }

    /**
     * A pass reads pages it has nothing to write for (the upserts, in the deletes pass): the target
     * transaction must not look idle meanwhile, or a lease's idle bound ({@code
     * idle_in_transaction_session_timeout}, the lease TTL) ends it. A validity check every second is
     * enough to keep it busy.
     */
    private void keepAlive(Connection c) throws SQLException {
        if (System.nanoTime() - lastTargetNanos > KEEP_ALIVE_NANOS) {
            if (!c.isValid(5)) {
                throw new SQLException("the target connection was lost while staging was read", "08006");
            }
            lastTargetNanos = System.nanoTime();
        }
    }

    /** The staged spellings of each target table (a route may have staged one table under two), by identity. */
    private Map<TableInfo, List<TableName>> tables(TargetSchema schema) throws SQLException {
        Map<TableInfo, List<TableName>> out = new IdentityHashMap<>();
        for (TableName staged : staging.tablesAt(group, at)) {
            TableInfo info = schema.table(staged);
            if (info == null) {
                throw new ApplyException("table " + staged + " no longer exists in the target", null,
                        ErrorKind.CONFIGURATION);
            }
            out.computeIfAbsent(info, t -> new ArrayList<>()).add(staged);
        }
        return out;
    }

    private WindowApplier.Result applyOrdered(WindowApplier applier, Connection c, TargetSchema schema,
            Map<TableInfo, List<TableName>> tables, List<TableInfo> parentsFirst, boolean deletesFirst) throws SQLException {
        rows = 0;
        List<TableInfo> childrenFirst = new ArrayList<>(parentsFirst);
        java.util.Collections.reverse(childrenFirst);
        int[] counts = new int[2];
        Map<String, int[]> perTable = new LinkedHashMap<>();
        // the first pass counts the rows read
        if (deletesFirst) {
            pass(applier, c, schema, tables, childrenFirst, true, true, counts, perTable);
            pass(applier, c, schema, tables, parentsFirst, false, false, counts, perTable);
        } else {
            pass(applier, c, schema, tables, parentsFirst, false, true, counts, perTable);
            pass(applier, c, schema, tables, childrenFirst, true, false, counts, perTable);
        }
        return new WindowApplier.Result(counts[0], counts[1], perTable);
    }

    /** Reads every page of each table and applies its deletes (or its upserts). */
    private void pass(WindowApplier applier, Connection c, TargetSchema schema, Map<TableInfo, List<TableName>> tables,
            List<TableInfo> order, boolean deletes, boolean count, int[] counts, Map<String, int[]> perTable)
            throws SQLException {
        for (TableInfo t : order) {
            for (TableName staged : tables.get(t)) {
                pass(applier, c, schema, staged, deletes, count, counts, perTable);
            }
        }
    }

    private void pass(WindowApplier applier, Connection c, TargetSchema schema, TableName staged, boolean deletes,
            boolean count, int[] counts, Map<String, int[]> perTable) throws SQLException {
        Mutation after = null;
        while (true) {
            List<Mutation> page = staging.readAt(group, at, staged, after, pageSize);
            keepAlive(c);
            List<Mutation> mine = new ArrayList<>(page.size());
            for (Mutation m : page) {
                if (m.isDelete() == deletes) {
                    mine.add(m);
                }
            }
            if (count) {
                rows += page.size();
            }
            if (!mine.isEmpty()) {
                if (!deletes) {
                    applier.refuseCollisions(c, schema, mine);
                }
                WindowApplier.Result r = applier.applyOrdered(c, schema, mine, true);
                lastTargetNanos = System.nanoTime();
                counts[0] += r.upserts();
                counts[1] += r.deletes();
                for (Map.Entry<String, int[]> e : r.tables().entrySet()) {
                    int[] n = perTable.computeIfAbsent(e.getKey(), k -> new int[2]);
                    n[0] += e.getValue()[0];
                    n[1] += e.getValue()[1];
                }
            }
            if (page.size() < pageSize) {
                return;
            }
            after = page.get(page.size() - 1);
        }
    }
}
