package dev.failback.examples.bench;

import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.examples.bench.BenchWorkload.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The latency phase: source transactions generated live at a fixed rate with wall-clock commit
 * timestamps, sent by the same family-sharded senders (each takes what is queued, up to a batch), and
 * a resolved timestamp every {@value ChangeStream#RESOLVED_MILLIS} ms of wall time covering everything
 * acknowledged. For each resolved timestamp the lag is the time from its POST being answered to the
 * pipeline reporting it applied ({@link FailbackListener#onWindowApplied}).
 */
final class LagPhase implements FailbackListener {
    private record Msg(long wall, String json) {
    }

    /** Answer time of each resolved POST not yet applied, by wall; 0 while unanswered. */
    private final ConcurrentSkipListMap<Long, long[]> pending = new ConcurrentSkipListMap<>();
    private final List<Long> lags = new ArrayList<>();
    private volatile Hlc applied = Hlc.ZERO;
    /** One run at a set rate: offered and sent rows/s, lag percentiles in ms, resolved timestamps measured. */
    record Point(int percent, double offered, double sent, long p50, long p99, long max, int resolved) {
    }

    /** The runs so far, in order. */
    final List<Point> points = new ArrayList<>();
    /** All mutations generated in this phase, for the check afterwards. */
    final Mutations generated = new Mutations();

    @Override
    public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
        long now = System.nanoTime();
        applied = Hlc.max(applied, upTo);
        Map<Long, long[]> done = pending.headMap(upTo.wall(), true);
        for (Map.Entry<Long, long[]> e : done.entrySet()) {
            long[] at = e.getValue();
            synchronized (at) {
                if (at[0] > 0) {
                    record(now - at[0]);
                } else {
                    at[1] = now; // applied before the answer reached the sender
                }
            }
            pending.remove(e.getKey());
        }
    }

    private synchronized void record(long nanos) {
        lags.add(Math.max(0, nanos));
    }

    /** Forgets the lags measured so far (before a run at another rate). */
    synchronized void clearLags() {
        lags.clear();
    }

    synchronized long[] lags() {
        long[] a = lags.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * Runs for {@code seconds} at {@code rate} mutations per second; returns the last resolved wall.
     */
    long run(HttpFeed feed, BenchWorkload workload, int senders, int batch, double rate, int seconds)
            throws Exception {
        List<LinkedBlockingQueue<Msg>> queues = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            queues.add(new LinkedBlockingQueue<>());
        }
        ConcurrentSkipListMap<Long, AtomicInteger> unacked = new ConcurrentSkipListMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] lastIssued = {0};
        Object issuedLock = new Object();
        final boolean[] done = {false};
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            LinkedBlockingQueue<Msg> q = queues.get(s);
            Thread t = new Thread(() -> {
                List<Msg> take = new ArrayList<>(batch);
                List<String> json = new ArrayList<>(batch);
                try {
                    while (true) {
                        Msg first = q.poll(5, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            synchronized (done) {
                                if (done[0] && q.isEmpty()) {
                                    return;
                                }
                            }
                            continue;
                        }
                        take.clear();
                        take.add(first);
                        q.drainTo(take, batch - 1);
                        json.clear();
                        for (Msg m : take) {
                            json.add(m.json);
                        }
                        feed.post(BenchWorkload.body(json));
                        for (Msg m : take) {
                            AtomicInteger n = unacked.get(m.wall);
                            if (n.decrementAndGet() == 0) {
                                unacked.remove(m.wall);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-lag-sender-" + s);
            t.setDaemon(true);
            t.setName(Meter.FEED_THREAD + s);
            threads.add(t);
            t.start();
        }
        long[] lastResolved = {0};
        Thread resolver = new Thread(() -> {
            try {
                long next = System.nanoTime();
                while (true) {
                    next += ChangeStream.RESOLVED_MILLIS * 1_000_000L;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                    boolean finished;
                    synchronized (done) {
                        finished = done[0];
                    }
                    long li;
                    synchronized (issuedLock) {
                        li = lastIssued[0];
                    }
                    Map.Entry<Long, AtomicInteger> first = unacked.firstEntry();
                    long w = first == null ? li : Math.min(li, first.getKey() - 1);
                    if (w > lastResolved[0]) {
                        long[] at = new long[2];
                        pending.put(w, at);
                        long answered = feed.post(("{\"resolved\":\"" + BenchWorkload.hlc(w) + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                        synchronized (at) {
                            at[0] = answered;
                            if (at[1] > 0) {
                                record(at[1] - answered);
                            }
                        }
                        lastResolved[0] = w;
                    }
                    if (finished && unacked.isEmpty() && lastResolved[0] >= li) {
                        return;
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "bench-lag-resolver");
        resolver.setName(Meter.FEED_THREAD + "resolver");
        resolver.setDaemon(true);
        resolver.start();

        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long emitted = 0;
        long wall = 0;
        while (System.nanoTime() < end && failure.get() == null) {
            double due = rate * (System.nanoTime() - start) / 1e9;
            while (emitted < due) {
                workload.nextTransaction();
                Mutations t = workload.txn;
                wall = Math.max(wall + 1, System.currentTimeMillis() * 1_000_000L);
                unacked.put(wall, new AtomicInteger(t.size));
                for (int i = 0; i < t.size; i++) {
                    generated.add(t.table[i], t.id[i], t.version[i], t.parentId[i], wall);
                    int at = generated.size - 1;
                    queues.get(BenchWorkload.family(generated, at, senders))
                            .add(new Msg(wall, BenchWorkload.message(generated, at)));
                }
                synchronized (issuedLock) {
                    lastIssued[0] = wall;
                }
                emitted += t.size;
            }
            Thread.sleep(1);
        }
        synchronized (done) {
            done[0] = true;
        }
        for (Thread t : threads) {
            t.join();
        }
        resolver.join();
        if (failure.get() != null) {
            throw new IllegalStateException("lag phase failed: " + failure.get(), failure.get());
        }
        return lastResolved[0];
    }
}
