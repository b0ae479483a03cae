package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The bookkeeping of what the simulated changefeed emitted and what the receiver acknowledged:
 * the monotonic simulated HLC clock, the commit timestamps issued and those with messages still
 * unacknowledged, the messages newer than the last acknowledged resolved timestamp (emitted again
 * by a restart), one queue per node, restart epochs, and the counters. Thread-safe.
 */
final class EmissionLedger {
    /** One row message and the key that decides its node. */
    record Message(Hlc updated, String rowKey, String json) {
    }

    /** A message queued on a node during one restart epoch. */
    record Queued(Message message, long epoch) {
    }

    /** A transaction as emitted: its sequence number and commit timestamp. */
    record Emitted(long seq, Hlc updated) {
    }

    private final int nodeCount;
    private final List<LinkedBlockingQueue<Queued>> queues = new ArrayList<>();
    private final BooleanSupplier aborted;

    private final Object clockLock = new Object();
    private long lastWall;
    private int lastLogical;
    private final NavigableSet<Hlc> issued = new ConcurrentSkipListSet<>();
    private final ConcurrentSkipListMap<Hlc, AtomicInteger> pending = new ConcurrentSkipListMap<>();

    /** Guards queueing, acknowledgement bookkeeping and restarts against each other. */
    private final Object emitLock = new Object();
    /** Incremented by every restart; messages and POSTs of an older epoch are abandoned. */
    private volatile long epoch;
    /** Messages newer than the last acknowledged resolved timestamp, in generation order; under emitLock. */
    private final ArrayDeque<Message> retained = new ArrayDeque<>();
    private boolean restartsDisabled;

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong resolvedSent = new AtomicLong();
    private final AtomicLong unacked = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong reemitted = new AtomicLong();
    private volatile Hlc lastResolved;

    /**
     * Creates a ledger with one empty queue per node.
     *
     * @param nodeCount the number of node queues
     * @param aborted   whether the simulator was closed; a restart then does nothing
     */
    EmissionLedger(int nodeCount, BooleanSupplier aborted) {
        this.nodeCount = nodeCount;
        this.aborted = aborted;
        for (int i = 0; i < nodeCount; i++) {
            queues.add(new LinkedBlockingQueue<>());
        }
    }

    /**
     * Gives a transaction the next commit timestamp, applies its changes to the model and queues
     * one message per change on the node that owns its row.
     */
    Emitted emit(List<RowChange> changes, SourceModel model, WebhookBodies bodies) {
        Hlc updated;
        long seq;
        synchronized (emitLock) {
            synchronized (clockLock) {
                updated = tick();
                issued.add(updated);
                pending.put(updated, new AtomicInteger(changes.size()));
                unacked.addAndGet(changes.size());
            }
            long e = epoch;
            for (RowChange c : changes) {
                Map<String, String> before = model.apply(c);
                String rowKey = c.table() + '\u0000' + c.key();
                Message m = new Message(updated, rowKey, bodies.message(c, before, updated));
                retained.addLast(m);
                queues.get(owner(rowKey, e)).add(new Queued(m, e));
            }
            seq = transactions.incrementAndGet();
            messages.addAndGet(changes.size());
        }
        return new Emitted(seq, updated);
    }

    /** The node that emits a row during an epoch: a different spread after every restart. */
    private int owner(String rowKey, long e) {
        int h = rowKey.hashCode();
        if (e != 0) {
            h ^= Long.hashCode(e * 0x9E3779B97F4A7C15L);
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
        }
        return Math.floorMod(h, nodeCount);
    }

    /**
     * Restarts the changefeed: abandons queued and in-flight messages and queues again every
     * message newer than the last acknowledged resolved timestamp, spread over the nodes anew, with
     * some older versions re-sent later. Called on the coordinator thread, so no resolved
     * timestamp is in flight.
     */
    void restart(Random r) {
        synchronized (emitLock) {
            if (restartsDisabled || aborted.getAsBoolean()) {
                return;
            }
            long e = ++epoch;
            for (LinkedBlockingQueue<Queued> q : queues) {
                q.clear();
            }
            List<List<Message>> perNode = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                perNode.add(new ArrayList<>());
            }
            for (Message m : retained) {
                perNode.get(owner(m.rowKey(), e)).add(m);
            }
            long total = 0;
            synchronized (clockLock) {
                pending.clear();
                for (int i = 0; i < nodeCount; i++) {
                    List<Message> list = perNode.get(i);
                    // Older versions re-sent between newer ones: a copy of some message later in the list.
                    int n = list.size();
                    for (int j = 0; j < n; j++) {
                        if (r.nextInt(10) == 0) {
                            list.add(j + 1 + r.nextInt(list.size() - j), list.get(j));
                        }
                    }
                    for (Message m : list) {
                        pending.computeIfAbsent(m.updated(), k -> new AtomicInteger()).incrementAndGet();
                        queues.get(i).add(new Queued(m, e));
                    }
                    total += list.size();
                }
                unacked.set(total);
            }
            restarts.incrementAndGet();
            reemitted.addAndGet(total);
        }
    }

    /** The next clock reading; call with clockLock held. */
    private Hlc tick() {
        long now = System.currentTimeMillis() * 1_000_000L + Math.floorMod(System.nanoTime(), 1_000_000L);
        if (now > lastWall) {
            lastWall = now;
            lastLogical = 0;
        } else {
            lastLogical++;
        }
        return new Hlc(lastWall, lastLogical);
    }

    /** The next clock reading. */
    Hlc next() {
        synchronized (clockLock) {
            return tick();
        }
    }

    /**
     * The newest timestamp every message up to which is acknowledged: just below the oldest
     * pending one, or a new reading when nothing is pending; null when none qualifies.
     */
    Hlc resolvable() {
        synchronized (clockLock) {
            Map.Entry<Hlc, AtomicInteger> oldest = pending.firstEntry();
            return oldest == null ? tick() : issued.lower(oldest.getKey());
        }
    }

    /** Acknowledges a batch unless a restart abandoned it, then counts the POST; returns whether it counted. */
    boolean ack(List<Queued> batch, long batchEpoch) {
        synchronized (emitLock) {
            if (epoch != batchEpoch) {
                return false;
            }
            for (Queued q : batch) {
                pending.computeIfPresent(q.message().updated(), (k, v) -> v.decrementAndGet() == 0 ? null : v);
            }
            unacked.addAndGet(-batch.size());
        }
        posts.incrementAndGet();
        return true;
    }

    /** Records an acknowledged resolved timestamp and forgets what it covers. */
    void resolved(Hlc t) {
        lastResolved = t;
        resolvedSent.incrementAndGet();
        issued.headSet(t, false).clear();
        synchronized (emitLock) {
            while (!retained.isEmpty() && retained.peekFirst().updated().compareTo(t) <= 0) {
                retained.pollFirst();
            }
        }
    }

    /** When every message is acknowledged, disables restarts for good and returns true. */
    boolean disableRestartsIfDrained() {
        synchronized (emitLock) {
            if (unacked.get() == 0) {
                restartsDisabled = true;
                return true;
            }
            return false;
        }
    }

    /** The current restart epoch. */
    long epoch() {
        return epoch;
    }

    /** The queue of node {@code i}. */
    LinkedBlockingQueue<Queued> queue(int i) {
        return queues.get(i);
    }

    int nodeCount() {
        return nodeCount;
    }

    /** Messages generated (or re-emitted) but not yet acknowledged. */
    long unacked() {
        return unacked.get();
    }

    /** The newest acknowledged resolved timestamp, or null. */
    Hlc lastResolved() {
        return lastResolved;
    }

    ChangefeedSimulator.Stats stats(long retries, String lastError) {
        return new ChangefeedSimulator.Stats(transactions.get(), messages.get(), posts.get(), retries,
                resolvedSent.get(), lastResolved, unacked.get(), lastError, restarts.get(), reemitted.get());
    }
}
