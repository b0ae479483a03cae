package dev.failback.core.internal.telemetry;

import dev.failback.core.internal.Pipeline;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the pipeline refused (an answer of 400 or more), as operators need to see them at the
 * default level: the first one logged at WARN with its method, path, status and reason, then at most
 * one line every {@value #QUIET_SECONDS} s, saying how many were refused meanwhile, so that a
 * changefeed refused in a loop (hundreds a second) neither goes unseen nor floods the log. The newest
 * one is kept for the progress line. The path and reason come from the network: control characters
 * are shown escaped and both are shortened. Thread-safe.
 */
public final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // beside the lifecycle lines
    static final int QUIET_SECONDS = 10;
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(QUIET_SECONDS);
    private static final int MAX_PATH = 200;
    private static final int MAX_REASON = 300;

    private long loggedAt;
    private boolean logged;
    private long quiet;
    private volatile String last;

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
        String line = printable(method, 10) + " " + printable(path, MAX_PATH) + " -> " + status + " "
                + printable(reason, MAX_REASON);
        last = line;
        long skipped;
        synchronized (this) {
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
