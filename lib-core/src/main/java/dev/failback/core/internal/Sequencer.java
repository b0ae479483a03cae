package dev.failback.core.internal;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.TargetSchema;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Consistent mode for one group: whenever the resolved timestamp moves past the applied one, applies
 * every staged mutation in {@code (applied, resolved]} in timestamp order, in target transactions of
 * about {@code flushSize} mutations that end only between source transactions, paging through
 * staging so memory does not grow with the backlog. After each target commit it records the applied
 * checkpoint, then retires the staged rows (those older than the applied timestamp minus the retire
 * offset, all of them by default). Runs on its own thread.
 */
final class Sequencer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final Pipeline pipeline;
    private final Group group;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private boolean woken;
    private volatile boolean stopping;
    private long backoffMillis;

    Sequencer(Pipeline pipeline, Group group) {
        this.pipeline = pipeline;
        this.group = group;
    }

    void wake() {
        lock.lock();
        try {
            woken = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        stopping = true;
        wake();
    }

    @Override
    public void run() {
        String previousName = MDC.get("failback.name");
        String previousTable = MDC.get("failback.table");
        MDC.put("failback.name", pipeline.name());
        MDC.put("failback.table", group.name);
        try {
            while (!stopping) {
                try {
                    drain();
                    backoffMillis = 0;
                    group.lastError = null;
                    awaitWork(pipeline.config().flushPeriod().toMillis());
                } catch (SQLException | RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    backoffMillis = backoffMillis == 0 ? 100 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                    group.lastError = e.getMessage();
                    LOG.warn("{} - applying {} failed, retrying in {} ms: {}", pipeline.name(), group.name,
                            backoffMillis, e.getMessage());
                    pipeline.metrics().error(pipeline.errorKind(e, true));
                    pipeline.fireFailure(group.name, e);
                    awaitWork(backoffMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            restore("failback.name", previousName);
            restore("failback.table", previousTable);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private void awaitWork(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!woken && !stopping && nanos > 0) {
                nanos = work.awaitNanos(nanos);
            }
            woken = false;
        } finally {
            lock.unlock();
        }
    }

    /** Applies everything staged up to the resolved timestamp. */
    private void drain() throws SQLException {
        Checkpoint cp = group.checkpoint();
        Hlc from = cp.applied();
        Hlc to = cp.resolved();
        if (!to.isAfter(from)) {
            return;
        }
        int flushSize = pipeline.config().flushSize();
        int scanSize = pipeline.config().scanSize();
        List<Mutation> window = new ArrayList<>(Math.min(flushSize * 2, 100_000));
        Mutation cursor = null;
        while (!stopping) {
            List<Mutation> page = pipeline.staging().read(group.name, from, to, cursor, scanSize);
            for (Mutation m : page) {
                if (window.size() >= flushSize && !m.updated().equals(window.get(window.size() - 1).updated())) {
                    commit(window, window.get(window.size() - 1).updated());
                    window.clear();
                }
                window.add(m);
            }
            if (page.size() < scanSize) {
                break;
            }
            cursor = page.get(page.size() - 1);
        }
        if (!stopping) {
            commit(window, to);
            PipelineMetrics.GroupMeters m = group.meters;
            if (m != null) {
                m.resolvedApplied.increment();
            }
        }
    }

    private void commit(List<Mutation> window, Hlc upTo) throws SQLException {
        TargetSchema schema = group.schema.get();
        PipelineMetrics.GroupMeters m = group.meters;
        long start = System.nanoTime();
        WindowApplier.Result r;
        try {
            r = pipeline.applier().apply(schema, window, e -> group.lastError = "retrying a window: " + e.getMessage());
        } catch (RuntimeException e) {
            if (m != null) {
                m.applyFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        long applied = System.nanoTime();
        if (m != null && !window.isEmpty()) {
            m.applySuccess.record(applied - start, TimeUnit.NANOSECONDS);
            m.batch.record(window.size());
            m.applied(r.tables());
            m.ages(window);
        }
        try {
            pipeline.checkpoints().markApplied(group.name, upTo);
        } catch (SQLException | RuntimeException e) {
            if (m != null) {
                m.checkpointFailure.record(System.nanoTime() - applied, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        if (m != null) {
            m.checkpointSuccess.record(System.nanoTime() - applied, TimeUnit.NANOSECONDS);
        }
        group.lastError = null; // recovered: cleared before anyone waiting for this window wakes up
        group.applied(upTo);
        long offset = pipeline.config().retireOffset().toNanos();
        if (offset == 0) {
            long retired = pipeline.staging().retire(group.name, upTo);
            group.backlog.addAndGet(-retired);
        } else {
            // Rows kept are at or before the applied checkpoint; staging is only read after it.
            group.backlog.addAndGet(-window.size());
            if (upTo.wall() - offset > 0) {
                long retired = pipeline.staging().retire(group.name, new Hlc(upTo.wall() - offset, 0));
                LOG.debug("{} - retired {} staged rows of {} applied before {} (retire offset {})", pipeline.name(),
                        retired, group.name, upTo, pipeline.config().retireOffset());
            }
        }
        if (group.backlog.get() < 0) {
            group.backlog.set(0);
        }
        pipeline.windowApplied(group.name, upTo, r.upserts(), r.deletes(), window.size(), System.nanoTime() - start);
    }
}
