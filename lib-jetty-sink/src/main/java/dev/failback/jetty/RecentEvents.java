package dev.failback.jetty;

/** Counts events of the last {@link ConnectionGuard#RECENT}, in one-second buckets. Thread-safe. */
final class RecentEvents {
    private final long[] seconds = new long[(int) ConnectionGuard.RECENT.toSeconds()];
    private final long[] counts = new long[seconds.length];

    synchronized void add() {
        long second = System.nanoTime() / 1_000_000_000L;
        int i = (int) Math.floorMod(second, (long) seconds.length);
        if (seconds[i] != second) {
            seconds[i] = second;
            counts[i] = 0;
        }
        counts[i]++;
    }

    synchronized long count() {
        long now = System.nanoTime() / 1_000_000_000L;
        long total = 0;
        for (int i = 0; i < seconds.length; i++) {
            if (now - seconds[i] < seconds.length) {
                total += counts[i];
            }
        }
        return total;
    }
}
