package dev.failback.core.internal.sequence;

import dev.failback.FailbackConfig;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.core.internal.Backends;
import dev.failback.core.internal.Backoff;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.NamedThreadFactory;
import dev.failback.core.internal.apply.LargeTransaction;
import dev.failback.core.internal.apply.LeaseLostException;
import dev.failback.core.internal.apply.PoisonHandling;
import dev.failback.core.internal.apply.WindowApplier;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.Checkpoint;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * staging so memory does not grow with the backlog (reading the next page while the current one is
 * applied). After each target commit it records the applied checkpoint, then retires the staged rows
 * (those older than the applied timestamp minus the retire offset, all of them by default): the range
 * since the previous retire, at most once a second while a backlog drains and always once it is drained. A failed window is retried with capped backoff (up to 30 s); when the
 * target rejects it permanently the poison row is found ({@link WindowApplier#findPoison}) and either
 * named in the error (the default) or dead-lettered in staging and left out of the window
 * ({@code deadLetter(true)}). Each distinct problem is logged once at WARN. Runs on its own thread.
 */
public final class Sequencer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    /** The pauses between attempts at a window that failed: 100 ms doubling up to 30 s. */
    private static final Backoff RETRY = new Backoff(100, 30_000);
    /** While a backlog drains, staged rows are retired at most this often (and always when it is drained). */
    private static final long RETIRE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often, at most, the end of a drain also retires every older staged row. */
    private static final long SWEEP_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** With leases, how often the holder reads the resolved timestamp another instance may have recorded. */
    private static final long POLL_MILLIS = 200;

    private final FailbackConfig config;
    private final Backends backends;
    private final Telemetry telemetry;
    private final PoisonHandling poison;
    private final Group group;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** The last large source transaction announced in the log (once, not on every retry). */
    private Hlc lastLarge;
    /** The last large source transaction found to need the in-memory path, and why. */
    private Hlc inMemory;
    private boolean woken;
    private volatile boolean stopping;
    private long backoffMillis;
    private int failures;
    /** The last problem logged at WARN, so that a failure retried again and again is logged once. */
    private String lastWarned;
    /** Staged rows up to here are deleted; null until the first retire of this run (which deletes all older rows). */
    private Hlc retiredTo;
    /** The retire bound of the last committed window, ahead of {@link #retiredTo} while a retire is deferred. */
    private Hlc retirePending;
    private long lastRetireNanos;
    private long lastSweepNanos;
    /** Where the time of the current drain went, for the DEBUG line at its end. */
    private long readNanos;
    private long applyNanos;
    private long checkpointNanos;
    private long retireNanos;
    /** Reads the next page of staging while the current one is applied; created on the first large drain. */
    private ExecutorService reader;
    /** The lease epoch the current run of windows is applied under (0 without leases). */
    private long workingEpoch;

    /**
     * @param config   the configuration
     * @param backends the stores, applier, fence and lease keeper (prepared before any group exists)
     * @param telemetry where the stages report (counters, metrics, events)
     * @param group    the target schema this sequencer applies
     */
    public Sequencer(FailbackConfig config, Backends backends, Telemetry telemetry,
            Group group) {
        this.config = config;
        this.backends = backends;
        this.telemetry = telemetry;
        this.group = group;
        this.poison = new PoisonHandling(config, telemetry);
    }

    public void wake() {
        lock.lock();
        try {
            woken = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void stop() {
        stopping = true;
        wake();
    }

    @Override
    public void run() {
        String previousName = MDC.get("failback.name");
        String previousTable = MDC.get("failback.table");
        MDC.put("failback.name", config.name());
        MDC.put("failback.table", group.name);
        try {
            while (!stopping) {
                LeaseKeeper.Held held = group.held;
                LeaseKeeper keeper = backends.leaseKeeper();
                if (keeper != null && (held == null || !held.valid())) {
                    if (held != null) {
                        keeper.lost(group, held.epoch(), "not renewed within the lease TTL");
                    }
                    awaitWork(config.leaseRenewal().toMillis());
                    continue;
                }
                long epoch = held == null ? 0 : held.epoch();
                try {
                    if (epoch != workingEpoch) {
                        // newly acquired: the keeper moved the checkpoint to where the target is
                        workingEpoch = epoch;
                        retiredTo = null;
                        retirePending = null;
                        lastWarned = null;
                        backoffMillis = 0;
                        failures = 0;
                    } else if (keeper != null) {
                        // another instance may have received the resolved timestamp
                        group.resolved(backends.checkpoints().load(group.name).resolved());
                    }
                    drain(epoch);
                    if (lastWarned != null) {
                        LOG.info("{} - applying {} recovered", config.name(), group.name);
                        lastWarned = null;
                    }
                    backoffMillis = 0;
                    failures = 0;
                    group.lastError = null;
                    awaitWork(keeper == null ? config.flushPeriod().toMillis()
                            : Math.min(POLL_MILLIS, config.flushPeriod().toMillis()));
                } catch (LeaseLostException e) {
                    keeper.lost(group, epoch, e.getMessage());
                } catch (SQLException | RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    backoffMillis = RETRY.pause(failures == Integer.MAX_VALUE ? failures : ++failures);
                    group.lastError = e.getMessage();
                    String problem = String.valueOf(e.getMessage());
                    if (!problem.equals(lastWarned)) {
                        lastWarned = problem;
                        LOG.warn("{} - applying {} failed, retrying with backoff (up to {} s): {}", config.name(),
                                group.name, RETRY.maxMillis() / 1000, e.getMessage());
                    } else {
                        LOG.debug("{} - applying {} failed again, retrying in {} ms: {}", config.name(), group.name,
                                backoffMillis, e.getMessage());
                    }
                    telemetry.error(group.name, "apply", PipelineMetrics.errorKind(e, true, backends.dialect()), e);
                    telemetry.events().fireFailure(group.name, e);
                    awaitWork(backoffMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (reader != null) {
                reader.shutdownNow();
            }
            try {
                retire(true);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("{} - could not retire the staged rows of {} applied last; the next start will: {}",
                        config.name(), group.name, e.getMessage());
            }
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

    /**
     * Applies everything staged up to the resolved timestamp. While the windows of one page are applied,
     * the next page is read on the reader thread (keyset paging after the page's last row: the windows
     * committed meanwhile end before that row's timestamp, so their retire never touches the rows read).
     */
    private void drain(long epoch) throws SQLException {
        Checkpoint cp = group.checkpoint();
        Hlc from = cp.applied();
        Hlc to = cp.resolved();
        if (!to.isAfter(from)) {
            retire(true); // one deferred by a failure after its window's checkpoint
            return;
        }
        int flushSize = config.flushSize();
        int scanSize = config.scanSize();
        int large = config.largeTransactionRows();
        long started = System.nanoTime();
        readNanos = 0;
        applyNanos = 0;
        checkpointNanos = 0;
        retireNanos = 0;
        int windows = 0;
        long rows = 0;
        List<Mutation> window = new ArrayList<>(Math.min(flushSize * 2, 100_000));
        long t = System.nanoTime();
        List<Mutation> page = backends.staging().read(group.name, from, to, null, scanSize);
        readNanos += System.nanoTime() - t;
        int runStart = 0; // where the window's last source transaction begins
        while (!stopping) {
            Future<List<Mutation>> next = page.size() < scanSize ? null
                    : readAhead(from, to, page.get(page.size() - 1), scanSize);
            Hlc largeAt = null;
            try {
                for (Mutation m : page) {
                    boolean sameTransaction = !window.isEmpty()
                            && m.updated().equals(window.get(window.size() - 1).updated());
                    if (window.size() >= flushSize && !sameTransaction) {
                        commit(window, window.get(window.size() - 1).updated(), false, epoch);
                        windows++;
                        rows += window.size();
                        window.clear();
                        if (stopping) {
                            break;
                        }
                    }
                    if (!sameTransaction) {
                        runStart = window.size();
                    }
                    window.add(m);
                    if (window.size() - runStart > large && pageByPage(m.updated())) {
                        largeAt = m.updated();
                        break;
                    }
                }
                if (largeAt != null) {
                    // one source transaction more than the heap should hold: applied from staging, page by page
                    if (next != null) {
                        next.cancel(true);
                        next = null;
                    }
                    if (runStart > 0) {
                        List<Mutation> before = window.subList(0, runStart);
                        commit(before, before.get(runStart - 1).updated(), false, epoch);
                        windows++;
                        rows += runStart;
                    }
                    window.clear();
                    runStart = 0;
                    if (stopping) {
                        break;
                    }
                    rows += commitLarge(largeAt, epoch);
                    windows++;
                    from = largeAt;
                    if (!stopping) {
                        t = System.nanoTime();
                        page = backends.staging().read(group.name, from, to, null, scanSize);
                        readNanos += System.nanoTime() - t;
                    }
                    continue;
                }
            } catch (SQLException | RuntimeException e) {
                if (next != null) {
                    next.cancel(true);
                }
                throw e;
            }
            if (next == null || stopping) {
                if (next != null) {
                    next.cancel(true);
                }
                break;
            }
            t = System.nanoTime();
            page = await(next);
            readNanos += System.nanoTime() - t;
        }
        if (!stopping) {
            commit(window, to, true, epoch);
            windows++;
            rows += window.size();
            PipelineMetrics.GroupMeters m = group.meters;
            if (m != null) {
                m.resolvedApplied.increment();
            }
        }
        if (LOG.isDebugEnabled()) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            LOG.debug("{} - applied {} rows of {} in {} windows in {} ms ({} rows/s): waiting for staging reads {} ms,"
                    + " applying {} ms, checkpoints {} ms, retiring {} ms", config.name(), rows, group.name, windows, ms,
                    ms == 0 ? rows : rows * 1000 / ms, TimeUnit.NANOSECONDS.toMillis(readNanos),
                    TimeUnit.NANOSECONDS.toMillis(applyNanos), TimeUnit.NANOSECONDS.toMillis(checkpointNanos),
                    TimeUnit.NANOSECONDS.toMillis(retireNanos));
        }
    }

    /** Reads the page after {@code last} on the reader thread. */
    private Future<List<Mutation>> readAhead(Hlc from, Hlc to, Mutation last, int scanSize) {
        if (reader == null) {
            reader = Executors.newSingleThreadExecutor(new NamedThreadFactory(config.name(), "read",
                    config.threadFactory().orElse(null)));
        }
        return reader.submit(() -> backends.staging().read(group.name, from, to, last, scanSize));
    }

    private static List<Mutation> await(Future<List<Mutation>> next) throws SQLException {
        try {
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.cancel(true);
            throw new IllegalStateException("interrupted while reading staging", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Deletes the staged rows up to {@link #retirePending}: those applied since the previous retire (a
     * range on the staging primary key, so the cost follows the rows retired, not the rows staged). The
     * first retire of a run, and one every {@link #SWEEP_PERIOD_NANOS} at the end of a drain, delete every
     * older row too: rows left by a crash between a checkpoint and its retire, or staged after they were
     * applied by a redelivery racing with the checkpoint.
     *
     * @param now whether to retire now, or only when {@link #RETIRE_PERIOD_NANOS} has passed since the last
     */
    private void retire(boolean now) throws SQLException {
        Hlc upTo = retirePending;
        if (upTo == null || (retiredTo != null && !upTo.isAfter(retiredTo))) {
            return;
        }
        long start = System.nanoTime();
        if (!now && retiredTo != null && start - lastRetireNanos < RETIRE_PERIOD_NANOS) {
            return;
        }
        boolean sweep = retiredTo == null || (now && start - lastSweepNanos >= SWEEP_PERIOD_NANOS);
        long retired = sweep ? backends.staging().retire(group.name, upTo)
                : backends.staging().retire(group.name, retiredTo, upTo);
        long end = System.nanoTime();
        retireNanos += end - start;
        lastRetireNanos = end;
        if (sweep) {
            lastSweepNanos = end;
        }
        LOG.debug("{} - retired {} staged rows of {} after {} up to {} in {} ms", config.name(), retired, group.name,
                sweep ? "the start" : retiredTo, upTo, TimeUnit.NANOSECONDS.toMillis(end - start));
        retiredTo = upTo;
    }

    /** The guard of a window applied under a lease ({@link FencedWindow}); null without leases. */
    private WindowApplier.Guard fence(long epoch, Hlc upTo) {
        if (backends.leaseKeeper() == null) {
            return null;
        }
        return new FencedWindow(group, epoch, upTo, backends.fence());
    }

    /**
     * Applies a window, records the applied checkpoint, then retires the staged rows it leaves behind,
     * at most once per {@link #RETIRE_PERIOD_NANOS} while a backlog drains and always at the end of a drain.
     */
    private void commit(List<Mutation> window, Hlc upTo, boolean last, long epoch) throws SQLException {
        PipelineMetrics.GroupMeters m = group.meters;
        long start = System.nanoTime();
        WindowApplier.Result r;
        try {
            r = poison.apply(backends.applier(), backends.deadLetters(), group, window, fence(epoch, upTo));
        } catch (SQLException | RuntimeException e) {
            if (m != null) {
                m.applyFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        if (m != null && !window.isEmpty()) {
            m.ages(window);
        }
        recordApplied(r, window.size(), upTo, last, start);
    }

    /**
     * Whether the source transaction at {@code at}, larger than {@code largeTransactionRows}, can be applied
     * page by page; when one of its tables needs the whole transaction at once (a self-reference, a key
     * that can merge keys), it stays in memory as before, said once at WARN.
     */
    private boolean pageByPage(Hlc at) throws SQLException {
        if (at.equals(inMemory)) {
            return false;
        }
        String why = backends.applier().largeRefusal(group.schema.get(), backends.staging().tablesAt(group.name, at));
        if (why == null) {
            return true;
        }
        inMemory = at;
        LOG.warn("{} - the source transaction at {} of {} has more than {} mutations, but {}: it is applied as one"
                + " window held in memory (the heap must hold it)", config.name(), at, group.name,
                config.largeTransactionRows(), why);
        return false;
    }

    /**
     * Applies one source transaction too large for a window ({@code largeTransactionRows}) from staging, page
     * by page, in one target transaction; then as {@link #commit}.
     *
     * @return the mutations applied
     */
    private long commitLarge(Hlc at, long epoch) throws SQLException {
        PipelineMetrics.GroupMeters m = group.meters;
        LargeTransaction tx = new LargeTransaction(backends.staging(), group.name, at, config.scanSize());
        if (!at.equals(lastLarge)) {
            lastLarge = at;
            LOG.info("{} - the source transaction at {} of {} has more than {} mutations: applying it as one target"
                    + " transaction, read from staging page by page", config.name(), at, group.name,
                    config.largeTransactionRows());
        }
        long start = System.nanoTime();
        WindowApplier.Result r;
        try {
            r = backends.applier().applyLarge(group.schema.get(), tx,
                    e -> group.lastError = "retrying a large source transaction: " + e.getMessage(), fence(epoch, at));
        } catch (SQLException | RuntimeException e) {
            if (m != null) {
                m.applyFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        LOG.info("{} - applied the source transaction at {} of {}: {} upserts, {} deletes in {} ms", config.name(), at,
                group.name, r.upserts(), r.deletes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        recordApplied(r, (int) Math.min(Integer.MAX_VALUE, tx.rows()), at, false, start);
        return tx.rows();
    }

    /** After a window's commit: metrics, the applied checkpoint, the backlog, the retire. */
    private void recordApplied(WindowApplier.Result r, int size, Hlc upTo, boolean last, long start)
            throws SQLException {
        PipelineMetrics.GroupMeters m = group.meters;
        long applied = System.nanoTime();
        applyNanos += applied - start;
        if (m != null && size > 0) {
            m.applySuccess.record(applied - start, TimeUnit.NANOSECONDS);
            m.batch.record(size);
            m.applied(r.tables());
        }
        try {
            backends.checkpoints().markApplied(group.name, upTo);
        } catch (SQLException | RuntimeException e) {
            if (m != null) {
                m.checkpointFailure.record(System.nanoTime() - applied, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        long checkpointed = System.nanoTime();
        checkpointNanos += checkpointed - applied;
        if (m != null) {
            m.checkpointSuccess.record(checkpointed - applied, TimeUnit.NANOSECONDS);
        }
        telemetry.events().countWindow(r.upserts(), r.deletes(), size);
        group.lastError = null; // recovered: cleared before anyone waiting for this window wakes up
        // Rows kept by a retire offset are at or before the applied checkpoint; staging is only read after it.
        // Counted down before the waiters wake, so that whoever sees the window applied sees its backlog gone.
        group.backlog.addAndGet(-size);
        if (group.backlog.get() < 0) {
            group.backlog.set(0);
        }
        group.applied(upTo);
        long offset = config.retireOffset().toNanos();
        if (offset == 0) {
            retirePending = upTo;
        } else if (upTo.wall() - offset > 0) {
            retirePending = new Hlc(upTo.wall() - offset, 0);
        }
        retire(last);
        telemetry.events().windowApplied(group.name, upTo, r.upserts(), r.deletes(), size, System.nanoTime() - start);
    }
}
