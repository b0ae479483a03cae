package dev.failback.core.memory;

import dev.failback.spi.LeaseStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Leases in memory, for tests: share one instance between the pipelines of one JVM to make them
 * replicas of one deployment. <strong>Not durable</strong>. Thread-safe.
 */
public final class InMemoryLeaseStore implements LeaseStore {
    private record Row(String holder, long epoch, long expiresNanos) {
    }

    private final Map<String, Row> rows = new HashMap<>();
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, String> incarnations = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryLeaseStore() {
    }

    @Override
    public void init() {
    }

    @Override
    public synchronized Lease acquire(String group, String holder, long epoch, long minEpoch, Duration ttl) {
        long now = System.nanoTime();
        Row row = rows.getOrDefault(group, new Row("", 0, now));
        boolean expired = now - row.expiresNanos() >= 0;
        boolean renewal = epoch > 0 && row.holder().equals(holder) && row.epoch() == epoch;
        if (!renewal && !expired) {
            return new Lease(group, row.holder(), row.epoch(), false);
        }
        long granted = renewal ? epoch : Math.max(row.epoch() + 1, minEpoch);
        rows.put(group, new Row(holder, granted, now + ttl.toNanos()));
        return new Lease(group, holder, granted, false, true);
    }

    @Override
    public synchronized String own(String group, String owner) {
        return owners.computeIfAbsent(group, g -> owner);
    }

    @Override
    public synchronized String incarnation(String group) {
        return incarnations.computeIfAbsent(group, g -> java.util.UUID.randomUUID().toString());
    }

    @Override
    public synchronized Map<String, String> owners() {
        return new HashMap<>(owners);
    }

    @Override
    public synchronized void release(String group, String holder, long epoch) {
        Row row = rows.get(group);
        if (row != null && row.holder().equals(holder) && row.epoch() == epoch) {
            rows.put(group, new Row(holder, epoch, System.nanoTime() - 1));
        }
    }
}
