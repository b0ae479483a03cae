package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The coordinator: every resolved interval, from its own thread, first restarts the changefeed with
 * the configured probability (seeded), then sends {@code {"resolved":"<hlc>"}} for the newest
 * timestamp whose messages are all acknowledged, when it is newer than the last one sent. Resolved
 * timestamps strictly increase. Stops when its latch opens or a POST is abandoned. One thread.
 */
final class ResolvedCoordinator {
    private final long seed;
    private final Duration interval;
    private final double restartProbability;
    private final EmissionLedger ledger;
    private final WebhookPoster poster;
    private final CountDownLatch stop;
    private final BooleanSupplier aborted;
    private final Thread thread;

    /** Creates a coordinator; {@link #thread()} is not started. */
    ResolvedCoordinator(SimulatorConfig config, EmissionLedger ledger, WebhookPoster poster, CountDownLatch stop,
            BooleanSupplier aborted) {
        this.seed = config.seed();
        this.interval = config.resolvedInterval();
        this.restartProbability = config.restartProbability();
        this.ledger = ledger;
        this.poster = poster;
        this.stop = stop;
        this.aborted = aborted;
        this.thread = new Thread(this::run, "failback-sim-resolved");
        this.thread.setDaemon(true);
    }

    Thread thread() {
        return thread;
    }

    private void run() {
        Random jitter = new Random(seed * 17 + 5);
        Random restartRandom = new Random(seed * 13 + 3);
        try {
            while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                if (restartProbability > 0 && restartRandom.nextDouble() < restartProbability) {
                    ledger.restart(restartRandom);
                }
                Hlc candidate = ledger.resolvable();
                Hlc last = ledger.lastResolved();
                if (candidate == null || (last != null && candidate.compareTo(last) <= 0)) {
                    continue;
                }
                if (!poster.post(WebhookBodies.resolved(candidate), Long.MAX_VALUE, jitter, aborted)) {
                    return;
                }
                ledger.resolved(candidate);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
