package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@value #SENDERS} concurrent senders post {@value #BATCHES} batches of 10 to 50 rows, plus resolved
 * timestamps, through the Jetty sink into PostgreSQL. Every answer is 200, the target ends equal to
 * what was sent, and the heap after GC stays bounded while the pipeline stages and applies. Prints
 * the throughput and the peak heap.
 */
class LoadIT {
    private static final int SENDERS = 16;
    private static final int BATCHES = 4_000;
    private static final int KEYS_PER_SENDER = 2_000;
    /** Heap after GC, over the whole JVM (JUnit, the pipeline, the senders and their models), at most this. */
    private static final long HEAP_BOUND_BYTES = 128L * 1024 * 1024;

    /** Timestamps for batches, and the resolved watermark: nothing unacknowledged at or below it. */
    private static final class Clock {
        private long last = System.currentTimeMillis() * 1_000_000L;
        private final TreeSet<Long> inFlight = new TreeSet<>();

        synchronized long begin() {
            last = Math.max(last + 1, System.currentTimeMillis() * 1_000_000L);
            inFlight.add(last);
            return last;
        }

        synchronized void acknowledged(long ts) {
            inFlight.remove(ts);
        }

        synchronized long watermark() {
            return inFlight.isEmpty() ? last : inFlight.first() - 1;
        }

        synchronized long tick() {
            last = Math.max(last + 1, System.currentTimeMillis() * 1_000_000L);
            return last;
        }
    }

    @Test
    void sixteenSendersThousandsOfBatchesBoundedHeap() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("load"); HikariDataSource staging = stagingPool()) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            HeapSampler heap = new HeapSampler();
            try (Failback failback = Failback.builder().disableAuthentication().name("load").target(db.dataSource())
                    .staging(staging).stagingSchema(db.name() + "_staging").createStagingSchema(true).sink(sink)
                    .start()) {
                URI url = URI.create("http://127.0.0.1:" + sink.port() + db.path());
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                Clock clock = new Clock();
                Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
                AtomicLong rows = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Map<Long, String>> models = new ArrayList<>();
                AtomicBoolean sending = new AtomicBoolean(true);
                heap.start();

                Thread resolver = new Thread(() -> {
                    long lastResolved = 0;
                    try {
                        while (sending.get()) {
                            long w = clock.watermark();
                            if (w > lastResolved) {
                                post(client, url, resolved(hlc(w)), statuses);
                                lastResolved = w;
                            }
                            Thread.sleep(50);
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }, "load-resolved");
                List<Thread> senders = new ArrayList<>();
                long start = System.nanoTime();
                for (int s = 0; s < SENDERS; s++) {
                    int sender = s;
                    Map<Long, String> model = new HashMap<>();
                    models.add(model);
                    Thread t = new Thread(() -> {
                        Random random = new Random(sender);
                        try {
                            for (int b = 0; b < BATCHES / SENDERS; b++) {
                                int n = 10 + random.nextInt(41);
                                TreeMap<Long, String> writes = new TreeMap<>();
                                while (writes.size() < n) {
                                    long id = (long) random.nextInt(KEYS_PER_SENDER) * SENDERS + sender;
                                    writes.put(id, random.nextInt(10) == 0 ? null : "s" + sender + "b" + b + "r" + id);
                                }
                                long ts = clock.begin();
                                List<String> msgs = new ArrayList<>(n);
                                for (Map.Entry<Long, String> w : writes.entrySet()) {
                                    msgs.add(w.getValue() == null ? delete("kv", w.getKey(), hlc(ts))
                                            : upsert("kv", w.getKey(), w.getValue(), hlc(ts)));
                                }
                                post(client, url, batch(msgs), statuses);
                                clock.acknowledged(ts);
                                for (Map.Entry<Long, String> w : writes.entrySet()) {
                                    if (w.getValue() == null) {
                                        model.remove(w.getKey());
                                    } else {
                                        model.put(w.getKey(), w.getValue());
                                    }
                                }
                                rows.addAndGet(n);
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }, "load-sender-" + s);
                    senders.add(t);
                }
                resolver.start();
                senders.forEach(Thread::start);
                for (Thread t : senders) {
                    t.join();
                }
                long sentNanos = System.nanoTime() - start;
                sending.set(false);
                resolver.join();
                assertThat(failure.get()).isNull();
                long end = clock.tick();
                post(client, url, resolved(hlc(end)), statuses);
                assertThat(failback.awaitApplied(Hlc.parse(hlc(end)), Duration.ofSeconds(120))).isTrue();
                long appliedNanos = System.nanoTime() - start;
                heap.stop();
                Status status = failback.status();

                assertThat(statuses.keySet()).as("answers other than 200: " + statuses).containsOnly(200);
                Map<Long, String> expected = new HashMap<>();
                models.forEach(expected::putAll);
                Map<Long, String> actual = new HashMap<>();
                for (List<String> row : db.query("SELECT id, v FROM $S.kv")) {
                    actual.put(Long.parseLong(row.get(0)), row.get(1));
                }
                assertThat(actual).as("target").hasSize(expected.size()).isEqualTo(expected);
                assertThat(status.counters().rejected() + status.counters().unavailable()).isZero();
                assertThat(heap.peak()).as("peak heap after GC").isLessThan(HEAP_BOUND_BYTES);

                double sentSeconds = sentNanos / 1e9;
                double appliedSeconds = appliedNanos / 1e9;
                System.out.printf("LoadIT: %d senders, %d batches, %d rows (%d resolved) acknowledged in %.1f s:"
                        + " %.0f batches/s, %.0f rows/s staged; all applied after %.1f s: %.0f rows/s end to end;"
                        + " %d target transactions; peak heap after GC %d MiB (baseline %d MiB), %d GCs seen;"
                        + " target holds %d rows%n",
                        SENDERS, BATCHES, rows.get(), status.counters().resolvedReceived(), sentSeconds,
                        BATCHES / sentSeconds, rows.get() / sentSeconds, appliedSeconds, rows.get() / appliedSeconds,
                        status.counters().windows(), heap.peak() >> 20, heap.baseline() >> 20, heap.collections(),
                        actual.size());
            } finally {
                heap.stop();
            }
        }
    }

    private static void post(HttpClient client, URI url, String body, Map<Integer, AtomicLong> statuses)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
            if (r.statusCode() == 200) {
                return;
            }
            if (r.statusCode() != 503 || attempt > 100) {
                throw new AssertionError("answered " + r.statusCode() + ": " + r.body());
            }
            Thread.sleep(50);
        }
    }

    private static HikariDataSource stagingPool() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(SENDERS + 4);
        cfg.setPoolName("load-staging");
        return new HikariDataSource(cfg);
    }

    /** Samples the heap used right after the latest GC (every heap pool's collection usage). */
    static final class HeapSampler {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private volatile boolean running;
        private Thread thread;
        private long baseline;

        void start() {
            System.gc();
            baseline = afterGc();
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(afterGc(), Math::max);
                    collections.set(ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .mapToLong(g -> Math.max(0, g.getCollectionCount())).sum());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load-heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join();
            }
        }

        long peak() {
            return peak.get();
        }

        long baseline() {
            return baseline;
        }

        long collections() {
            return collections.get();
        }

        private static long afterGc() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    MemoryUsage u = pool.getCollectionUsage();
                    if (u != null) {
                        used += u.getUsed();
                    }
                }
            }
            return used;
        }
    }
}
