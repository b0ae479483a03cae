package dev.failback.core.internal;

import dev.failback.spi.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bounded waits of a stop: every one ends at the shutdown deadline. Stateless. */
final class Stopping {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // the stop's lines, as before

    private Stopping() {
    }

    /**
     * Waits for a thread until a deadline.
     *
     * @param t        the thread
     * @param deadline a {@link System#nanoTime()} deadline
     * @return true when it ended; false at the deadline or when interrupted (the flag is kept)
     */
    static boolean join(Thread t, long deadline) {
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !t.isAlive();
    }

    /**
     * Closes sinks in parallel (each lets its requests in flight finish), waiting no longer than the
     * deadline: a sink whose own stop timeout is longer goes on stopping in the background.
     */
    static void closeAll(String name, List<Sink> sinks, long deadline, ThreadFactory threads, Duration timeout) {
        List<Thread> closing = new ArrayList<>();
        for (Sink sink : sinks) {
            Thread t = threads.newThread(() -> {
                try {
                    sink.close();
                } catch (Exception e) {
                    LOG.warn("{} - closing sink {} failed", name, sink, e);
                }
            });
            t.start();
            closing.add(t);
        }
        for (int i = 0; i < closing.size(); i++) {
            if (!join(closing.get(i), deadline)) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                LOG.warn("{} - sink {} did not stop within the shutdown timeout {}; it goes on stopping in the"
                        + " background", name, sinks.get(i), timeout);
            }
        }
    }
}
