package dev.failback.testing.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One simulated node: sends the messages of its queue in order from its own thread, with one POST
 * in flight and 1 to {@code maxBatch} messages per POST, and acknowledges them in the ledger.
 * Messages of an older restart epoch are dropped (they were queued again). One thread.
 */
final class SimulatorNode {
    private final LinkedBlockingQueue<EmissionLedger.Queued> queue;
    private final Random random;
    private final int maxBatch;
    private final EmissionLedger ledger;
    private final WebhookPoster poster;
    private final BooleanSupplier aborted;
    private final BooleanSupplier stopped;
    private final Thread thread;

    /**
     * Creates a node; {@link #thread()} is not started.
     *
     * @param stopped whether to stop once the queue is found empty
     */
    SimulatorNode(int index, Random random, int maxBatch, EmissionLedger ledger, WebhookPoster poster,
            BooleanSupplier aborted, BooleanSupplier stopped) {
        this.queue = ledger.queue(index);
        this.random = random;
        this.maxBatch = maxBatch;
        this.ledger = ledger;
        this.poster = poster;
        this.aborted = aborted;
        this.stopped = stopped;
        this.thread = new Thread(this::run, "failback-sim-node-" + (index + 1));
        this.thread.setDaemon(true);
    }

    Thread thread() {
        return thread;
    }

    private void run() {
        try {
            while (!aborted.getAsBoolean()) {
                EmissionLedger.Queued first = queue.poll(20, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopped.getAsBoolean()) {
                        return;
                    }
                    continue;
                }
                List<EmissionLedger.Queued> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, random.nextInt(maxBatch));
                long e = ledger.epoch();
                batch.removeIf(q -> q.epoch() != e); // taken just before a restart: queued again
                if (batch.isEmpty()) {
                    continue;
                }
                String body = WebhookBodies.batch(batch);
                if (!poster.post(body, Long.MAX_VALUE, random, () -> aborted.getAsBoolean() || ledger.epoch() != e)) {
                    if (aborted.getAsBoolean()) {
                        return;
                    }
                    continue; // abandoned by a restart
                }
                ledger.ack(batch, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
