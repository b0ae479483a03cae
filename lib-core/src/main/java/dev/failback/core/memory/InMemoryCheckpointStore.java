package dev.failback.core.memory;

import dev.failback.Hlc;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint store in memory, for tests. <strong>Not durable</strong>: progress is lost when the JVM
 * stops. Thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();

    /** Creates an empty store. */
    public InMemoryCheckpointStore() {
    }

    @Override
    public void init() {
    }

    @Override
    public synchronized Map<String, Checkpoint> loadAll() {
        return new LinkedHashMap<>(checkpoints);
    }

    @Override
    public synchronized Checkpoint load(String group) {
        return checkpoints.getOrDefault(group, Checkpoint.NONE);
    }

    @Override
    public synchronized boolean advanceResolved(String group, Hlc resolved) {
        Checkpoint cp = load(group);
        if (resolved.compareTo(cp.resolved()) <= 0) {
            return false;
        }
        checkpoints.put(group, new Checkpoint(resolved, cp.applied()));
        return true;
    }

    @Override
    public synchronized void markApplied(String group, Hlc applied) {
        Checkpoint cp = load(group);
        if (applied.compareTo(cp.applied()) > 0) {
            checkpoints.put(group, new Checkpoint(Hlc.max(cp.resolved(), applied), applied));
        }
    }
}
