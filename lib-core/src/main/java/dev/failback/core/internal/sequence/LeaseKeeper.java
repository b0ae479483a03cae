package dev.failback.core.internal.sequence;

import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.LeaseStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent mode's leader election: one thread that, every {@code leaseRenewal} (with jitter), renews
 * the leases this process holds and tries to acquire the others, for every group it knows. On
 * acquisition it raises the group's fence in the target ({@link TargetFence#claim}) before the
 * group's sequencer may apply, and resumes from the timestamp the target is applied up to. A lease
 * not renewed within its TTL (measured from before the renewal was sent) is given up locally; the
 * fence makes anything the old holder still commits roll back. On {@link #close()} the leases are
 * released so that a standby takes over at once.
 */
public final class LeaseKeeper implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** A lease held by this process: its epoch and until when (System.nanoTime) it is safe to apply. */
    public record Held(long epoch, long validUntilNanos) {
        boolean valid() {
            return System.nanoTime() - validUntilNanos < 0;
        }
    }

    private final String pipeline;
    private final String instance;
    private final LeaseStore leases;
    private final TargetFence fence;
    private final dev.failback.spi.CheckpointStore checkpoints;
    private final dev.failback.spi.StagingStore staging;
    private final Supplier<Collection<Group>> groups;
    private final Duration ttl;
    private final Duration renewal;
    private final FailbackListener listeners;
    private final PipelineMetrics metrics;
    private final Object wake = new Object();
    private volatile boolean stopping;
    private boolean woken;

    public LeaseKeeper(String pipeline, String instance, LeaseStore leases, TargetFence fence,
            dev.failback.spi.CheckpointStore checkpoints, dev.failback.spi.StagingStore staging,
            Supplier<Collection<Group>> groups, Duration ttl,
            Duration renewal, FailbackListener listeners, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.instance = instance;
        this.leases = leases;
        this.fence = fence;
        this.checkpoints = checkpoints;
        this.staging = staging;
        this.groups = groups;
        this.ttl = ttl;
        this.renewal = renewal;
        this.listeners = listeners;
        this.metrics = metrics;
    }

    String instance() {
        return instance;
    }

    /** Asks for a round now (a new group appeared). */
    public void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            for (Group g : groups.get()) {
                if (stopping) {
                    break;
                }
                try {
                    round(g);
                } catch (RuntimeException e) {
                    LOG.warn("{} - lease round for {} failed: {}", pipeline, g.name, e.toString());
                }
            }
            long pause = renewal.toMillis();
            pause = pause - pause / 5 + ThreadLocalRandom.current().nextLong(Math.max(1, pause * 2 / 5));
            synchronized (wake) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
                while (!woken && !stopping) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(wake, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** One renewal or acquisition attempt for a group. */
    private void round(Group g) {
        Held held = g.held;
        long sent = System.nanoTime();
        LeaseStore.Lease lease;
        try {
            lease = leases.acquire(g.name, instance, held == null ? 0 : held.epoch(), g.minEpoch, ttl);
        } catch (SQLException e) {
            if (held != null && !held.valid()) {
                lost(g, held.epoch(), "not renewed within the lease TTL " + ttl.toMillis() + " ms (staging: "
                        + e.getMessage() + ")");
            } else if (held != null) {
                LOG.warn("{} - renewing the lease of {} (epoch {}) failed, retrying until it expires: {}", pipeline,
                        g.name, held.epoch(), e.getMessage());
            } else {
                LOG.debug("{} - acquiring the lease of {} failed: {}", pipeline, g.name, e.getMessage());
            }
            return;
        }
        g.leaseHolder = lease.holder();
        g.leaseEpoch = lease.epoch();
        boolean mine = lease.granted();
        if (held != null) {
            if (mine && lease.epoch() == held.epoch()) {
                synchronized (g) {
                    if (g.held == held) { // not given up meanwhile (the sequencer saw it expire)
                        g.held = new Held(held.epoch(), sent + ttl.toNanos());
                    }
                }
                return;
            }
            lost(g, held.epoch(), "taken over by " + lease.holder() + " at epoch " + lease.epoch());
            if (!mine) {
                return;
            }
        }
        if (!mine) {
            refresh(g);
            return;
        }
        // Granted at a new epoch: raise the fence in the target before applying anything.
        TargetFence.State before;
        Checkpoint cp;
        try {
            before = fence == null ? new TargetFence.State(0, Hlc.ZERO) : fence.claim(g.name, lease.epoch(), instance, g.incarnation);
            cp = checkpoints.load(g.name);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} - acquired the lease of {} (epoch {}) but could not raise its fence in the target: {};"
                    + " releasing it", pipeline, g.name, lease.epoch(), e.getMessage());
            release(g, lease.epoch());
            return;
        }
        if (before.epoch() >= lease.epoch()) {
            // The target saw a later epoch than the lease store has (staging recreated): skip past it.
            g.minEpoch = before.epoch() + 1;
            LOG.warn("{} - the fence of {} in the target is at epoch {}, not below the lease's {}; acquiring again"
                    + " above it", pipeline, g.name, before.epoch(), lease.epoch());
            release(g, lease.epoch());
            return;
        }
        Hlc applied = Hlc.max(cp.applied(), before.applied());
        g.takeOver(cp.resolved(), applied);
        // the holder counts only now: a few tries, as requests staged meanwhile make a count untrusted
        for (int attempt = 0; attempt < 10 && !countBacklog(g); attempt++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        g.held = new Held(lease.epoch(), sent + ttl.toNanos());
        LOG.info("{} - instance {} acquired the lease of {} at epoch {}: applying from {}", pipeline, instance, g.name,
                lease.epoch(), applied);
        metrics.leaseChange(g, true);
        listeners.onLeaseAcquired(g.name, instance, lease.epoch());
        Sequencer s = g.sequencer;
        if (s != null) {
            s.wake();
        }
    }

    /** A standby keeps its view of the group current, for status and {@code awaitApplied}. */
    private void refresh(Group g) {
        try {
            Checkpoint cp = checkpoints.load(g.name);
            g.resolved(cp.resolved());
            g.applied(cp.applied());
            if (System.nanoTime() - g.backlogCountedNanos > BACKLOG_COUNT_NANOS) {
                countBacklog(g);
            }
        } catch (SQLException e) {
            LOG.debug("{} - reading the checkpoint of {} failed: {}", pipeline, g.name, e.getMessage());
        }
    }

    /** How often a standby counts the staged backlog (another instance applies it). */
    private static final long BACKLOG_COUNT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Counts what is staged after the group's applied checkpoint: another instance staged and applied meanwhile.
     *
     * @return whether the count was taken as the backlog
     */
    private boolean countBacklog(Group g) {
        try {
            // A request staged while counting adds to the backlog after its commit: then the count may or may
            // not hold it, so it is not used (the next count will be). A staging in flight when the count starts,
            // or one that starts or ends while it runs, makes the count untrusted; the compare-and-set catches an
            // increment after that. (Trusting a count that held a batch whose increment came after it counted the
            // batch twice, for good.)
            long before = g.backlog.get();
            long seq = g.stagingSeq.get();
            if ((seq & 1) == 1) {
                return false;
            }
            long counted = staging.countAfter(g.name, g.checkpoint().applied());
            boolean set = g.stagingSeq.get() == seq && g.backlog.compareAndSet(before, counted);
            g.backlogCountedNanos = System.nanoTime();
            return set;
        } catch (SQLException e) {
            LOG.debug("{} - counting the backlog of {} failed: {}", pipeline, g.name, e.getMessage());
            return false;
        }
    }

    /**
     * Gives a lease up locally (the sequencer stops applying before its next window), telling the log
     * and the listeners once.
     *
     * @param g      the group
     * @param epoch  the epoch held
     * @param reason why
     */
    void lost(Group g, long epoch, String reason) {
        synchronized (g) {
            Held held = g.held;
            if (held == null || held.epoch() != epoch) {
                return;
            }
            g.held = null;
        }
        LOG.info("{} - instance {} lost the lease of {} (epoch {}): {}", pipeline, instance, g.name, epoch, reason);
        metrics.leaseChange(g, false);
        listeners.onLeaseLost(g.name, instance, epoch, reason);
    }

    private void release(Group g, long epoch) {
        try {
            leases.release(g.name, instance, epoch);
        } catch (SQLException e) {
            LOG.debug("{} - releasing the lease of {} failed (it expires): {}", pipeline, g.name, e.getMessage());
        }
    }

    /** Stops the rounds; {@link #releaseAll} then hands the groups over. */
    public void stop() {
        stopping = true;
        wake();
    }

    /** Releases every lease this process holds (after its sequencers stopped), so standbys take over at once. */
    public void releaseAll() {
        for (Group g : groups.get()) {
            Held held = g.held;
            if (held != null) {
                release(g, held.epoch());
                lost(g, held.epoch(), "released at shutdown");
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
