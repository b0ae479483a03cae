package dev.failback.examples.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs webhook bodies as a CockroachDB changefeed would: over keep-alive HTTP/1.1, a non-2xx answer
 * retried with the same body. {@link #send} plays a {@link ChangeStream} as fast as it is accepted:
 * one thread per sender (one request in flight each) and a coordinator that POSTs each resolved
 * timestamp once every body before it is acknowledged.
 */
final class HttpFeed {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final AtomicLong retries = new AtomicLong();
    volatile String lastRefusal;

    HttpFeed(URI url) {
        this.url = url;
    }

    /** POSTs until answered 2xx; returns the nanoTime the answer arrived. */
    long post(byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
            if (r.statusCode() / 100 == 2) {
                return System.nanoTime();
            }
            lastRefusal = r.statusCode() + " " + r.body();
            if (r.statusCode() / 100 == 4 || attempt >= 600) {
                throw new IllegalStateException("the sink answered " + r.statusCode() + " after " + attempt
                        + " retries: " + r.body());
            }
            retries.incrementAndGet();
            Thread.sleep(Math.min(200, 5L << Math.min(attempt, 5)));
        }
    }

    /** Sends the whole stream; returns when the last resolved timestamp is acknowledged. */
    void send(ChangeStream stream) throws Exception {
        int senders = stream.bodies.size();
        AtomicIntegerArray acked = new AtomicIntegerArray(senders);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object monitor = new Object();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                try {
                    for (byte[] body : stream.bodies.get(sender)) {
                        post(body);
                        acked.incrementAndGet(sender);
                        synchronized (monitor) {
                            monitor.notifyAll();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                }
            }, "bench-sender-" + s);
            t.setDaemon(true);
            t.setName(Meter.FEED_THREAD + s);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (int k = 0; k < stream.resolved.length; k++) {
            synchronized (monitor) {
                while (failure.get() == null && !reached(acked, stream.before[k])) {
                    monitor.wait(100);
                }
            }
            if (failure.get() != null) {
                break;
            }
            post(BenchWorkload.resolvedBody(stream.resolved[k]));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a sender failed: " + failure.get(), failure.get());
        }
    }

    private static boolean reached(AtomicIntegerArray acked, int[] needed) {
        for (int s = 0; s < needed.length; s++) {
            if (acked.get(s) < needed[s]) {
                return false;
            }
        }
        return true;
    }

    String statusSummary() {
        return new java.util.TreeMap<>(statuses).toString();
    }
}
