package dev.failback.core.internal;

/**
 * The one retry policy: capped exponential backoff, with optional jitter upwards; every retry loop of the
 * engine uses it (a fixed interval is {@code first == max}). Public for the other internal packages only.
 * Immutable.
 *
 * @param firstMillis the pause after the first failed attempt, without jitter
 * @param maxMillis   the longest pause, without jitter
 */
public record Backoff(long firstMillis, long maxMillis) {

    /** Validates the bounds. */
    public Backoff {
        if (firstMillis < 1 || maxMillis < firstMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= first <= max, but was " + firstMillis + ", " + maxMillis);
        }
    }

    /**
     * The pause before retrying after a failed attempt, without jitter: {@link #firstMillis} after the
     * first, doubling after each further one, never more than {@link #maxMillis}.
     *
     * @param failedAttempt the attempt that failed, from 1
     * @return the pause in milliseconds
     */
    public long pause(int failedAttempt) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt must be at least 1, but was " + failedAttempt);
        }
        int doublings = failedAttempt - 1;
        if (doublings >= Long.numberOfLeadingZeros(firstMillis)) {
            return maxMillis; // the shift would overflow; the cap is reached long before
        }
        return Math.min(maxMillis, firstMillis << doublings);
    }

    /**
     * Spreads a pause so that pipelines that failed together do not retry together: up to half again.
     *
     * @param backoff the pause without jitter, in milliseconds
     * @param random  a number in [0, 1)
     * @return a pause in [backoff, 1.5 backoff)
     */
    public static long withJitter(long backoff, double random) {
        return backoff + (long) (random * backoff / 2);
    }

    /**
     * The pause after a failed attempt with jitter: {@link #pause} spread by {@link #withJitter}.
     *
     * @param failedAttempt the attempt that failed, from 1
     * @return the pause in milliseconds
     */
    public long jitteredPause(int failedAttempt) {
        return withJitter(pause(failedAttempt), java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }
}
