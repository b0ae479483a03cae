package dev.failback.examples.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The output of a CLI child process (stdout with stderr redirected into it), read on a thread of its own as it
 * comes, so a test can wait for a line ({@link #awaitReady}, {@link #await}) and read all of it afterwards.
 */
final class ChildOutput {
    /** The line the CLI logs once its sink accepts requests. */
    static final String READY = "waiting for changefeed requests";

    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private boolean ended;

    private ChildOutput(Process child) {
        reader = new Thread(() -> read(child), "child-output");
        reader.start();
    }

    /**
     * Starts reading a child's output.
     *
     * @param child a process started with {@code redirectErrorStream(true)}
     * @return its output
     */
    static ChildOutput of(Process child) {
        return new ChildOutput(child);
    }

    private void read(Process child) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits for the CLI's {@link #READY} line. */
    boolean awaitReady(long seconds) throws InterruptedException {
        return await(line -> line.contains(READY), seconds);
    }

    /**
     * Waits for a line that matches.
     *
     * @return whether one was read in time (false at once when the output ends without one)
     */
    synchronized boolean await(Predicate<String> match, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int from = 0;
        while (true) {
            for (; from < lines.size(); from++) {
                if (match.test(lines.get(from))) {
                    return true;
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits for the child's output to end (after the child stops). */
    void join(long millis) throws InterruptedException {
        reader.join(millis);
    }

    /** @return every line read so far, each followed by a newline */
    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
