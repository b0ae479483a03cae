package dev.failback.core.internal;

import dev.failback.Status;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of one pipeline. Thread-safe. */
final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder staged = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder upserts = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder windows = new LongAdder();
    final LongAdder resolvedReceived = new LongAdder();
    final LongAdder resolvedIgnored = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder unavailable = new LongAdder();
    final LongAdder unauthorized = new LongAdder();
    final LongAdder deadLettered = new LongAdder();

    Status.Counters snapshot(long retries) {
        return Status.Counters.builder().requests(requests.sum()).received(received.sum()).staged(staged.sum())
                .duplicates(duplicates.sum()).stale(stale.sum()).upserts(upserts.sum()).deletes(deletes.sum())
                .windows(windows.sum()).resolvedReceived(resolvedReceived.sum()).resolvedIgnored(resolvedIgnored.sum())
                .rejected(rejected.sum()).unavailable(unavailable.sum()).retries(retries)
                .deadLettered(deadLettered.sum()).build();
    }
}
