package dev.failback.core.internal.ingress;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of heap bytes for the request bodies in flight, shared by every request of a pipeline
 * ({@code maxBytesInFlight}). Each request {@linkplain #open() opens} a {@link Reservation}, grows it
 * before each allocation by what the allocation will cost ({@link BodyReader} does, for the body
 * and for what decoding it takes), and closes it once answered: the decoded rows live until then.
 *
 * <p>A reservation that would take the request alone over the limit fails with a 413 (it can never
 * fit); one that would take all requests together over it fails with {@link ExhaustedException}, a
 * 503 with {@link #RETRY_AFTER}. Nothing waits: a refused request keeps nothing.
 *
 * <p>Thread-safe; a reservation is used by one thread at a time.
 */
public final class MemoryBudget {

    /** How long a client refused for lack of budget is asked to wait ({@code Retry-After}). */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * Creates a budget.
     *
     * @param limit the most bytes all reservations together may hold, {@code > 0}
     */
    public MemoryBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, but was " + limit);
        }
        this.limit = limit;
    }

    /**
     * A budget that never refuses, for tools and tests that read bodies outside a pipeline.
     *
     * @return a budget of {@link Long#MAX_VALUE} bytes
     */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    /**
     * Returns the limit.
     *
     * @return the most bytes all reservations together may hold
     */
    public long limit() {
        return limit;
    }

    /**
     * Returns what the open reservations hold now.
     *
     * @return bytes, {@code >= 0}
     */
    public long used() {
        return used.get();
    }

    /**
     * Opens an empty reservation for one request. Close it when the request is answered.
     *
     * @return the reservation, never null
     */
    public Reservation open() {
        return new Reservation();
    }

    /**
     * The bytes one request holds. Not thread-safe: one request thread uses it. Closing is
     * idempotent and gives everything back.
     */
    public final class Reservation implements AutoCloseable {
        private long held;
        private boolean closed;

        private Reservation() {
        }

        /**
         * Takes {@code bytes} more from the budget, or nothing.
         *
         * @param bytes how many, {@code >= 0}
         * @throws WebhookException   (413) when this request would hold more than the limit by itself
         * @throws ExhaustedException (503) when all requests together would hold more than the limit
         */
        public void reserve(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be >= 0, but was " + bytes);
            }
            if (closed) {
                throw new IllegalStateException("the reservation is closed");
            }
            requireFits(bytes);
            long now;
            do {
                now = used.get();
                if (bytes > limit - now) {
                    throw new ExhaustedException(now, bytes, limit);
                }
            } while (!used.compareAndSet(now, now + bytes));
            held += bytes;
        }

        /**
         * Fails with a 413 when this request would hold more than the limit by itself after taking
         * {@code bytes} more; takes nothing. For refusing early what can never fit.
         *
         * @param bytes how many more, {@code >= 0}
         * @throws WebhookException (413) when it cannot fit
         */
        public void requireFits(long bytes) {
            if (bytes > limit - held) {
                throw WebhookException.tooLarge("body needs more than " + limit + " bytes of memory to read and"
                        + " decode, the limit for request bodies in flight (maxBytesInFlight); nothing was staged");
            }
        }

        /**
         * Gives {@code bytes} back (at most what is held).
         *
         * @param bytes how many, {@code >= 0}
         */
        public void release(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be >= 0, but was " + bytes);
            }
            long n = Math.min(bytes, held);
            held -= n;
            used.addAndGet(-n);
        }

        /**
         * Returns what this reservation holds.
         *
         * @return bytes, {@code >= 0}
         */
        public long held() {
            return held;
        }

        /** Gives everything back; the reservation takes no more. */
        @Override
        public void close() {
            release(held);
            closed = true;
        }
    }

    /**
     * All requests together would hold more than the limit: answer 503 with {@link #RETRY_AFTER}; the
     * changefeed retries once others are answered. The message says how much is in flight.
     */
    public static final class ExhaustedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExhaustedException(long used, long wanted, long limit) {
            super(used + " bytes of request bodies in flight, " + wanted + " more wanted (limit " + limit
                    + "); the changefeed will retry", null, false, false); // expected under load: no stack trace
        }
    }
}
