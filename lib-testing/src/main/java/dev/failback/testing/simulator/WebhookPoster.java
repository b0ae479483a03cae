package dev.failback.testing.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Sends the simulator's POSTs as the CockroachDB webhook sink does: a non-2xx answer or an I/O
 * error is retried with the byte-identical body after a backoff (doubling from the configured
 * retry backoff, capped at 2 s, ±15 % jitter), and with several receivers every attempt goes to
 * one of them chosen at random. Counts retries and keeps the latest failure. Thread-safe.
 */
final class WebhookPoster {
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final List<URI> urls;
    private final String authorization;
    private final Duration requestTimeout;
    private final Duration retryBackoff;
    /** Picks the receiver of each attempt when there are several; shared by all threads (Random is thread-safe). */
    private final Random receivers;
    private final HttpClient client;
    private final AtomicLong retries = new AtomicLong();
    private volatile String lastError;

    WebhookPoster(SimulatorConfig config) {
        this.urls = config.urls();
        this.authorization = config.authorization();
        this.requestTimeout = config.requestTimeout();
        this.retryBackoff = config.retryBackoff();
        this.receivers = new Random(config.seed() * 41 + 9);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout).build();
    }

    /**
     * POSTs until 2xx; false when {@code abandoned} says so before an attempt (the simulator was
     * closed, or a restart abandoned the batch), when past the deadline, or when interrupted.
     */
    boolean post(String body, long deadlineNanos, Random jitter, BooleanSupplier abandoned) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest single = urls.size() == 1 ? request(urls.get(0), bytes) : null;
        long backoff = retryBackoff.toNanos();
        for (int attempt = 0;; attempt++) {
            if (abandoned.getAsBoolean()) {
                return false;
            }
            if (attempt > 0) {
                retries.incrementAndGet();
            }
            URI target = single != null ? urls.get(0) : urls.get(receivers.nextInt(urls.size()));
            try {
                HttpRequest request = single != null ? single : request(target, bytes);
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 200 && response.statusCode() < 300) {
                    return true;
                }
                lastError = response.statusCode() + ": " + response.body().strip()
                        + (single != null ? "" : " (" + target + ")");
            } catch (IOException e) {
                lastError = e + (single != null ? "" : " (" + target + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            long sleep = (long) (backoff * (0.85 + 0.3 * jitter.nextDouble()));
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
    }

    /** Requests re-sent after a failed attempt. */
    long retries() {
        return retries.get();
    }

    /** The latest failed attempt ({@code "503: message"} or an exception), or null. */
    String lastError() {
        return lastError;
    }

    private HttpRequest request(URI target, byte[] bytes) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(target)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Go-http-client/1.1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        return rb.build();
    }
}
