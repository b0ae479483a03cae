package dev.failback.core.internal;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One target schema fed by one changefeed: its checkpoint, schema cache, backlog and (in consistent
 * mode) its sequencer. The group name is the webhook path with the schema as the target spells it
 * ({@code database.schema} for PostgreSQL).
 */
final class Group {
    final String name;
    final List<String> segments;
    final SchemaCache schema;
    final AtomicLong backlog = new AtomicLong();
    /** Serializes immediate-mode applies of this group, so versions are checked and recorded atomically. */
    final ReentrantLock immediateLock = new ReentrantLock();
    private volatile Checkpoint checkpoint;
    volatile Sequencer sequencer;
    volatile String lastError;
    /** This group's meters; null when metrics are off. */
    volatile PipelineMetrics.GroupMeters meters;

    Group(String name, List<String> segments, SchemaCache schema, Checkpoint checkpoint) {
        this.name = name;
        this.segments = List.copyOf(segments);
        this.schema = schema;
        this.checkpoint = checkpoint;
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    synchronized void resolved(Hlc resolved) {
        Checkpoint cp = checkpoint;
        if (resolved.isAfter(cp.resolved())) {
            checkpoint = new Checkpoint(resolved, cp.applied());
        }
    }

    synchronized void applied(Hlc applied) {
        Checkpoint cp = checkpoint;
        if (applied.isAfter(cp.applied())) {
            checkpoint = new Checkpoint(Hlc.max(cp.resolved(), applied), applied);
        }
    }
}
