package dev.failback.core.internal.telemetry;

import dev.failback.Status;
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

    public Status.Counters snapshot(long retries) {
        return Status.Counters.builder().requests(requests.sum()).received(received.sum()).staged(staged.sum())
                .duplicates(duplicates.sum()).stale(stale.sum()).upserts(upserts.sum()).deletes(deletes.sum())
                .windows(windows.sum()).resolvedReceived(resolvedReceived.sum()).resolvedIgnored(resolvedIgnored.sum())
                .rejected(rejected.sum()).unavailable(unavailable.sum()).retries(retries)
                .deadLettered(deadLettered.sum()).filtered(filtered.sum()).build();
    }
}
