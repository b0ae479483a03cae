package dev.failback.core.internal.telemetry;

import dev.failback.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of one pipeline. Thread-safe. */
public final class Counters {
    public final LongAdder requests = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder staged = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder stale = new LongAdder();
    final LongAdder upserts = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder windows = new LongAdder();
    public final LongAdder resolvedReceived = new LongAdder();
    public final LongAdder resolvedIgnored = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder unavailable = new LongAdder();
    public final LongAdder unauthorized = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder filtered = new LongAdder();
    /** Refused requests, for the log ({@link Refusals}). */
    public final Refusals refusals = new Refusals();
    /** The newest failures, for the status page ({@link RecentErrors}). */
    public final RecentErrors errors = new RecentErrors();
    /** Rows upserted or deleted, per target schema (one entry per group, so bounded by {@code maxSchemas}). */
    private final Map<String, LongAdder> appliedByGroup = new ConcurrentHashMap<>();

    /** Counts rows a group applied (upserted or deleted) in the target. */
    void applied(String group, long rows) {
        if (rows > 0) {
            appliedByGroup.computeIfAbsent(group, g -> new LongAdder()).add(rows);
        }
    }

    /** Rows applied since start per target schema that applied any; a copy. */
    public Map<String, Long> appliedByGroup() {
        Map<String, Long> copy = new LinkedHashMap<>();
        appliedByGroup.forEach((g, n) -> copy.put(g, n.sum()));
        return copy;
    }

    public Status.Counters snapshot(long retries) {
        return Status.Counters.builder().requests(requests.sum()).received(received.sum()).staged(staged.sum())
                .duplicates(duplicates.sum()).stale(stale.sum()).upserts(upserts.sum()).deletes(deletes.sum())
                .windows(windows.sum()).resolvedReceived(resolvedReceived.sum()).resolvedIgnored(resolvedIgnored.sum())
                .rejected(rejected.sum()).unavailable(unavailable.sum()).retries(retries)
                .deadLettered(deadLettered.sum()).filtered(filtered.sum()).build();
    }
}
