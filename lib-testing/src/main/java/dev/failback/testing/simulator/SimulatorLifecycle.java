package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle behind {@link ChangefeedSimulator}: starts the node and coordinator threads, lets
 * one caller at a time generate, finishes (waits until every message is acknowledged, stops the
 * coordinator, sends the final resolved timestamp, stops the nodes) and closes. Thread-safe.
 */
final class SimulatorLifecycle {
    private final SimulatorConfig config;
    private final EmissionLedger ledger;
    private final WebhookPoster poster;
    private final TransactionGenerator generator;
    private final List<SimulatorNode> nodes = new ArrayList<>();
    private ResolvedCoordinator coordinator;

    private final Object generateLock = new Object();
    private final Object lifecycle = new Object();
    private volatile boolean started;
    private volatile boolean finished;
    private volatile boolean stopRequested;
    private volatile boolean stopNodes;
    private volatile boolean aborted;
    private final CountDownLatch stopCoordinator = new CountDownLatch(1);

    SimulatorLifecycle(SimulatorConfig config) {
        this.config = config;
        this.ledger = new EmissionLedger(config.nodes(), () -> aborted);
        this.poster = new WebhookPoster(config);
        this.generator = new TransactionGenerator(config, ledger, () -> stopRequested || aborted);
    }

    /** See {@link ChangefeedSimulator#model()}. */
    SourceModel model() {
        return generator.model();
    }

    /** See {@link ChangefeedSimulator#start()}. */
    void start() {
        synchronized (lifecycle) {
            if (finished || aborted) {
                throw new IllegalStateException("the simulator was already finished or closed");
            }
            if (started) {
                return;
            }
            started = true;
            for (int i = 0; i < config.nodes(); i++) {
                SimulatorNode node = new SimulatorNode(i, new Random(config.seed() * 31 + i + 1), config.maxBatch(),
                        ledger, poster, () -> aborted, () -> stopNodes);
                nodes.add(node);
                node.thread().start();
            }
            coordinator = new ResolvedCoordinator(config, ledger, poster, stopCoordinator, () -> aborted);
            coordinator.thread().start();
        }
    }

    /** Generates up to {@code n} transactions until {@code endNanos}, one caller at a time; call {@link #start()} first. */
    long generate(long n, long endNanos) throws InterruptedException {
        synchronized (generateLock) {
            return generator.run(n, endNanos);
        }
    }

    /** See {@link ChangefeedSimulator#stop()}. */
    void stop() {
        stopRequested = true;
    }

    /** See {@link ChangefeedSimulator#finish(Duration)}. */
    Hlc finish(Duration timeout) throws InterruptedException {
        start();
        stopRequested = true;
        synchronized (generateLock) {
            // wait for a concurrent generator to return
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (ledger.unacked() > 0) {
                if (aborted) {
                    throw new IllegalStateException("the simulator was closed");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("receiver did not acknowledge " + ledger.unacked()
                            + " messages within " + timeout + "; last error: " + poster.lastError());
                }
                Thread.sleep(5);
            }
            if (ledger.disableRestartsIfDrained()) {
                break;
            }
        }
        stopCoordinator.countDown();
        coordinator.thread().join(timeout.toMillis());
        if (coordinator.thread().isAlive()) {
            throw new IllegalStateException("the resolved timestamp sender did not stop within " + timeout
                    + "; last error: " + poster.lastError());
        }
        Hlc end = ledger.next();
        if (!poster.post(WebhookBodies.resolved(end), deadline, new Random(config.seed()), () -> aborted)) {
            throw new IllegalStateException("receiver did not acknowledge the final resolved " + end + " within "
                    + timeout + "; last error: " + poster.lastError());
        }
        ledger.resolved(end);
        stopNodes = true;
        for (SimulatorNode n : nodes) {
            n.thread().join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
        }
        finished = true;
        return end;
    }

    /** See {@link ChangefeedSimulator#stats()}. */
    ChangefeedSimulator.Stats stats() {
        return ledger.stats(poster.retries(), poster.lastError());
    }

    /** See {@link ChangefeedSimulator#close()}. */
    void close() {
        aborted = true;
        stopRequested = true;
        stopNodes = true;
        stopCoordinator.countDown();
        List<Thread> threads = new ArrayList<>();
        synchronized (lifecycle) {
            for (SimulatorNode n : nodes) {
                threads.add(n.thread());
            }
            if (coordinator != null) {
                threads.add(coordinator.thread());
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
