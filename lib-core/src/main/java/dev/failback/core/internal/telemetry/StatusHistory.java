package dev.failback.core.internal.telemetry;

import dev.failback.Hlc;
import dev.failback.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last quarter of an hour of the pipeline's lag and applied rows, in memory, for the status
 * page's chart and rates: one {@link Sample} every {@link #INTERVAL} from what {@code status()}
 * already holds (no database query), at most {@value #CAPACITY} of them (15 min), at most
 * {@value #MAX_GROUPS} target schemas per sample. Thread-safe.
 */
public final class StatusHistory {
    /** How often the pipeline samples: every 5 s. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Samples kept: {@value} (15 min at one every 5 s). */
    public static final int CAPACITY = 180;
    /** Target schemas kept per sample: {@value}. */
    public static final int MAX_GROUPS = 64;

    /**
     * One target schema at one time.
     *
     * @param lagMillis now minus its applied resolved timestamp, in ms; -1 before its first resolved timestamp
     * @param rows      rows it applied since start
     */
    public record Point(long lagMillis, long rows) {
    }

    /**
     * The pipeline at one time.
     *
     * @param at     when
     * @param groups each target schema's point, in the order of {@code status().schemas()}
     */
    public record Sample(Instant at, Map<String, Point> groups) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(CAPACITY);

    /**
     * Takes a sample.
     *
     * @param status  the status now
     * @param applied rows applied since start per target schema ({@link Counters#appliedByGroup()})
     * @param now     the time now
     */
    public void sample(Status status, Map<String, Long> applied, Instant now) {
        Map<String, Point> points = new LinkedHashMap<>();
        for (Map.Entry<String, Status.SchemaStatus> e : status.schemas().entrySet()) {
            if (points.size() == MAX_GROUPS) {
                break;
            }
            points.put(e.getKey(), new Point(lagMillis(e.getValue().applied(), now),
                    applied.getOrDefault(e.getKey(), 0L)));
        }
        add(new Sample(now, Collections.unmodifiableMap(points)));
    }

    /** Adds a sample, dropping the oldest beyond {@link #CAPACITY}. */
    synchronized void add(Sample s) {
        if (samples.size() == CAPACITY) {
            samples.removeFirst();
        }
        samples.addLast(s);
    }

    /** The samples, the oldest first; a copy. */
    public synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /**
     * Now minus an applied resolved timestamp.
     *
     * @return the lag in ms (0 when the timestamp is ahead of the clock), or -1 before the first
     */
    static long lagMillis(Hlc applied, Instant now) {
        if (applied == null || applied.equals(Hlc.ZERO)) {
            return -1;
        }
        return Math.max(0, Duration.between(applied.toInstant(), now).toMillis());
    }

    /**
     * A target schema's applied rows per second over about the last {@code window}: between the newest
     * sample and the oldest one within the window.
     *
     * @param samples the samples, the oldest first
     * @param group   the target schema
     * @param window  how far back to look
     * @return the rate, or NaN with fewer than two samples of the group in the window
     */
    public static double rowsPerSecond(List<Sample> samples, String group, Duration window) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        Sample newest = samples.get(samples.size() - 1);
        Point last = newest.groups().get(group);
        if (last == null) {
            return Double.NaN;
        }
        Instant from = newest.at().minus(window);
        for (Sample s : samples) {
            Point p = s.groups().get(group);
            if (p == null || s.at().isBefore(from) || s == newest) {
                continue;
            }
            double seconds = Duration.between(s.at(), newest.at()).toMillis() / 1000.0;
            return seconds <= 0 ? Double.NaN : Math.max(0, last.rows() - p.rows()) / seconds;
        }
        return Double.NaN;
    }
}
