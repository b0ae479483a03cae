package dev.failback.core.internal.telemetry;

import dev.failback.core.internal.Pipeline;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the pipeline refused (an answer of 400 or more), as operators need to see them at the
 * default level: the first one logged at WARN with its method, path, status and reason, then at most
 * one line every {@value #QUIET_SECONDS} s, saying how many were refused meanwhile, so that a
 * changefeed refused in a loop (hundreds a second) neither goes unseen nor floods the log. The newest
 * one is kept for the progress line, and the newest {@value #KEPT} with their time for the status page
 * ({@link #recent()}). The path and reason come from the network: control characters are shown escaped
 * and both are shortened. Thread-safe.
 */
public final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // beside the lifecycle lines
    static final int QUIET_SECONDS = 10;
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(QUIET_SECONDS);
    private static final int MAX_PATH = 200;
    private static final int MAX_REASON = 300;
    /** How many refusals {@link #recent()} keeps: {@value}. */
    public static final int KEPT = 20;

    /**
     * One refused request as kept for the status page, every text already {@linkplain #printable printable}
     * and bounded (the method to 10 characters, the path to 200, the reason to 300).
     *
     * @param at     when it was answered
     * @param method the request's method
     * @param path   the request's decoded path (never its query, which may carry a token)
     * @param status the answer's status
     * @param reason the answer's message
     */
    public record Refusal(Instant at, String method, String path, int status, String reason) {
    }

    private final Clock clock;
    private final ArrayDeque<Refusal> recent = new ArrayDeque<>(KEPT);
    private long loggedAt;
    private boolean logged;
    private long quiet;
    private volatile String last;

    /** Refusals timed by the system clock. */
    public Refusals() {
        this(Clock.systemUTC());
    }

    /**
     * Refusals timed by a given clock.
     *
     * @param clock the clock for {@link Refusal#at()}
     */
    public Refusals(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reports a refused request.
     *
     * @param name   the pipeline's name
     * @param method the request's method
     * @param path   the request's path
     * @param status the answer's status
     * @param reason the answer's message
     */
    public void refused(String name, String method, String path, int status, String reason) {
        Refusal r = new Refusal(clock.instant(), printable(method, 10), printable(path, MAX_PATH), status,
                printable(reason, MAX_REASON));
        String line = r.method() + " " + r.path() + " -> " + status + " " + r.reason();
        last = line;
        long skipped;
        synchronized (this) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(r);
            long now = System.nanoTime();
            if (logged && now - loggedAt < QUIET_NANOS) {
                quiet++;
                return;
            }
            skipped = quiet;
            quiet = 0;
            logged = true;
            loggedAt = now;
        }
        LOG.warn("{} - refused {}{}", name, line, skipped == 0 ? ""
                : " (" + skipped + " more refused since the previous such line, not logged; the progress line counts"
                        + " them all)");
    }

    /** The newest {@value #KEPT} refusals at most, the newest first; a copy. */
    public synchronized List<Refusal> recent() {
        List<Refusal> newestFirst = new ArrayList<>(recent);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** The newest refusal ({@code METHOD path -> status reason}), or null. */
    public String last() {
        return last;
    }

    /** A text from the network for one log line: control characters escaped, at most {@code max} characters. */
    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        int fits = -1; // the length of the longest prefix of whole pieces that leaves room for "..."
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
            if (b.length() <= max - 3) {
                fits = b.length();
            }
            if (b.length() > max) {
                b.setLength(Math.max(0, fits));
                return b.append("...").toString(); // whole escapes only, the result at most max
            }
        }
        return b.toString();
    }

}
