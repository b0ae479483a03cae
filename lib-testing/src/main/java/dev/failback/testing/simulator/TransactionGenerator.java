package dev.failback.testing.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Asks the workload for source transactions (seeded), at most at the configured rate, collapses a
 * row written twice in one transaction to its last value, hands each transaction to the ledger
 * and tells the listener. Waits while a node queue holds {@value ChangefeedSimulator#QUEUE_CAPACITY}
 * messages. One thread at a time.
 */
final class TransactionGenerator {
    private final Workload workload;
    private final SourceModel model = new SourceModel();
    private final Random random;
    private final Consumer<SourceTransaction> listener;
    private final double transactionsPerSecond;
    private final EmissionLedger ledger;
    private final WebhookBodies bodies;
    private final BooleanSupplier halted;

    /**
     * Creates a generator.
     *
     * @param halted whether to stop generating (stop requested or closed)
     */
    TransactionGenerator(SimulatorConfig config, EmissionLedger ledger, BooleanSupplier halted) {
        this.workload = config.workload();
        for (String table : workload.tables()) {
            model.createTable(table);
        }
        this.random = new Random(config.seed());
        this.listener = config.listener();
        this.transactionsPerSecond = config.transactionsPerSecond();
        this.ledger = ledger;
        this.bodies = new WebhookBodies(config.diff(), config.mvccTimestamp());
        this.halted = halted;
    }

    /** The source database, with a table per workload table. */
    SourceModel model() {
        return model;
    }

    /** Generates up to {@code n} transactions until {@code endNanos} ({@link System#nanoTime()}); returns how many. */
    long run(long n, long endNanos) throws InterruptedException {
        long done = 0;
        long t0 = System.nanoTime();
        while (done < n && System.nanoTime() < endNanos && !halted.getAsBoolean()) {
            pace(t0, done);
            if (generateOne()) {
                done++;
            }
        }
        return done;
    }

    private void pace(long t0, long done) throws InterruptedException {
        if (transactionsPerSecond <= 0) {
            return;
        }
        long due = t0 + (long) (done * 1e9 / transactionsPerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private boolean generateOne() throws InterruptedException {
        for (int i = 0; i < ledger.nodeCount(); i++) {
            while (ledger.queue(i).size() >= ChangefeedSimulator.QUEUE_CAPACITY) {
                if (halted.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(1);
            }
        }
        List<RowChange> raw = workload.nextTransaction(random, model);
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        // A row written twice in one transaction is emitted once, with its last value.
        Map<String, RowChange> collapsed = new LinkedHashMap<>();
        for (RowChange c : raw) {
            collapsed.put(c.table() + '\u0000' + c.key(), c);
        }
        List<RowChange> changes = List.copyOf(collapsed.values());
        EmissionLedger.Emitted emitted = ledger.emit(changes, model, bodies);
        if (listener != null) {
            listener.accept(new SourceTransaction(emitted.seq(), emitted.updated(), changes));
        }
        return true;
    }
}
