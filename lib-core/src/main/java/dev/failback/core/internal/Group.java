package dev.failback.core.internal;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.apply.GroupCommit;
import dev.failback.core.internal.apply.VersionGuard;
import dev.failback.core.internal.sequence.LeaseKeeper;
import dev.failback.core.internal.sequence.Sequencer;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.VersionStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One target schema fed by one changefeed: its checkpoint, schema cache, backlog and (in consistent
 * mode) its sequencer. The group name is the webhook path with the schema as the target spells it
 * ({@code database.schema} for PostgreSQL).
 */
public final class Group {
    public final String name;
    public final List<String> segments;
    /** How many spellings of this group's path (besides its own) are remembered. */
    final java.util.concurrent.atomic.AtomicInteger paths = new java.util.concurrent.atomic.AtomicInteger();
    public final SchemaCache schema;
    public final AtomicLong backlog = new AtomicLong();
    /**
     * Odd while a staging transaction of this group is in flight (they run one at a time, in the group commit),
     * counted up when one starts and again once its rows are in {@link #backlog}: a count of the staged rows is
     * only trusted when no staging started or ended while it ran.
     */
    public final AtomicLong stagingSeq = new AtomicLong();
    /** The most mutations one group commit combines (a single larger request is committed alone). */
    static final int MAX_COMBINED = 20_000;
    /**
     * Serializes immediate-mode applies of this group, so versions are checked and recorded atomically,
     * and the retiring of versions with them; held by the leader of {@link #immediateCommits}.
     */
    public final ReentrantLock immediateLock = new ReentrantLock();
    /** Immediate mode: concurrent requests applied in one target transaction. */
    public final GroupCommit<List<Mutation>, WebhookResponse> immediateCommits = new GroupCommit<>(immediateLock, MAX_COMBINED);
    /** Consistent mode: concurrent requests staged in one staging transaction. */
    public final GroupCommit<List<Mutation>, WebhookResponse> stagingCommits = new GroupCommit<>(new ReentrantLock(), MAX_COMBINED);
    /**
     * Immediate mode: the newest applied version of recently changed keys; guarded by {@link #immediateLock}.
     * Null without a version store (consistent mode with a custom staging store that keeps no versions).
     */
    public final VersionGuard versions;
    private volatile Checkpoint checkpoint;
    public volatile Sequencer sequencer;
    public volatile String lastError;
    /** This group's meters; null when metrics are off. */
    public volatile PipelineMetrics.GroupMeters meters;
    /** Consistent mode: the lease as this process holds it, null while a standby; written by the {@link LeaseKeeper}. */
    public volatile LeaseKeeper.Held held;
    /** The lease's holder and epoch as last read from the lease store (null and 0 before the first read). */
    public volatile String leaseHolder;
    public volatile long leaseEpoch;
    /** The least epoch the next acquisition may take (raised past an epoch the target's fence already saw). */
    public volatile long minEpoch = 1;
    /** The group's incarnation in the staging database ({@link dev.failback.spi.LeaseStore#incarnation}). */
    public volatile String incarnation = "";
    /** When a standby last counted the backlog (System.nanoTime). */
    public volatile long backlogCountedNanos;

    /**
     * @param versionMemoryKeys immediate mode: keys whose versions are kept in memory before the staging
     *                          store is asked ({@code Failback.Builder#versionGuardMemoryKeys})
     */
    public Group(String name, List<String> segments, SchemaCache schema, Checkpoint checkpoint, VersionStore versions,
            int versionMemoryKeys) {
        this.name = name;
        this.versions = versions == null ? null : new VersionGuard(versions, name, versionMemoryKeys);
        this.segments = List.copyOf(segments);
        this.schema = schema;
        this.checkpoint = checkpoint;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public synchronized void resolved(Hlc resolved) {
        Checkpoint cp = checkpoint;
        if (resolved.isAfter(cp.resolved())) {
            checkpoint = new Checkpoint(resolved, cp.applied());
        }
    }

    /**
     * On acquiring the lease: the group continues from where the target is applied up to (which may be
     * ahead of what this process last saw, never behind what it applied itself).
     */
    public synchronized void takeOver(Hlc resolved, Hlc applied) {
        Checkpoint cp = checkpoint;
        Hlc a = Hlc.max(cp.applied(), applied);
        checkpoint = new Checkpoint(Hlc.max(Hlc.max(cp.resolved(), resolved), a), a);
    }

    public synchronized void applied(Hlc applied) {
        Checkpoint cp = checkpoint;
        if (applied.isAfter(cp.applied())) {
            checkpoint = new Checkpoint(Hlc.max(cp.resolved(), applied), applied);
        }
    }
}
