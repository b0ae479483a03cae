package dev.failback;

import java.time.Instant;

/**
 * A CockroachDB hybrid-logical-clock timestamp: wall time in nanoseconds since the Unix epoch plus a
 * logical counter. This is the type of a changefeed's {@code updated}, {@code mvcc_timestamp} and
 * {@code resolved} fields.
 *
 * <p>The text form is {@code <wall>.<logical>}, the logical part written with exactly ten digits
 * ({@code 1759246945019283746.0000000001}). Timestamps order by wall time, then logical counter.
 * Instances are immutable and thread-safe.
 *
 * @param wall    nanoseconds since the Unix epoch, never negative
 * @param logical the logical counter, never negative
 */
public record Hlc(long wall, int logical) implements Comparable<Hlc> {

    /** The zero timestamp, earlier than every timestamp a changefeed emits. */
    public static final Hlc ZERO = new Hlc(0, 0);

    private static final int LOGICAL_DIGITS = 10;

    /** Validates the components. */
    public Hlc {
        if (wall < 0) {
            throw new IllegalArgumentException("wall must be >= 0, but was " + wall);
        }
        if (logical < 0) {
            throw new IllegalArgumentException("logical must be >= 0, but was " + logical);
        }
    }

    /**
     * Parses the changefeed text form {@code <wall>.<logical>}.
     *
     * <p>Accepted: a decimal wall time of up to 19 digits, a dot, and a logical part of exactly ten
     * digits (or a logical part of all zeros of any length, as older releases wrote {@code 10.0}); a
     * trailing {@code ?} (synthetic timestamps of older releases) is stripped. Anything else is
     * rejected.
     *
     * @param text the timestamp text, never null
     * @return the timestamp, never null
     * @throws IllegalArgumentException when the text is not an HLC timestamp; the message says why
     */
    public static Hlc parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("HLC timestamp is null");
        }
        String s = text.endsWith("?") ? text.substring(0, text.length() - 1) : text;
        int dot = s.indexOf('.');
        if (dot <= 0 || dot == s.length() - 1 || s.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException(
                    "not an HLC timestamp (expected <wall nanos>.<10-digit logical>): \"" + abbreviate(text) + "\"");
        }
        String wallText = s.substring(0, dot);
        String logicalText = s.substring(dot + 1);
        if (!digits(wallText) || wallText.length() > 19 || !digits(logicalText)) {
            throw new IllegalArgumentException(
                    "not an HLC timestamp (expected <wall nanos>.<10-digit logical>): \"" + abbreviate(text) + "\"");
        }
        long wall;
        try {
            wall = Long.parseLong(wallText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("HLC wall time out of range: \"" + abbreviate(text) + "\"");
        }
        if (logicalText.length() != LOGICAL_DIGITS && !logicalText.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException(
                    "HLC logical part must have 10 digits: \"" + abbreviate(text) + "\"");
        }
        long logical = Long.parseLong(logicalText);
        if (logical > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("HLC logical part out of range: \"" + abbreviate(text) + "\"");
        }
        return new Hlc(wall, (int) logical);
    }

    /**
     * Returns the wall time as an instant.
     *
     * @return the wall time, never null
     */
    public Instant toInstant() {
        return Instant.ofEpochSecond(0, wall);
    }

    /**
     * Returns true when this timestamp is after {@code other}.
     *
     * @param other the timestamp to compare with, never null
     * @return whether this is strictly later
     */
    public boolean isAfter(Hlc other) {
        return compareTo(other) > 0;
    }

    /**
     * Returns the later of two timestamps.
     *
     * @param a a timestamp, never null
     * @param b a timestamp, never null
     * @return the later one (either when equal)
     */
    public static Hlc max(Hlc a, Hlc b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Hlc o) {
        int c = Long.compare(wall, o.wall);
        return c != 0 ? c : Integer.compare(logical, o.logical);
    }

    /** Returns the changefeed text form, {@code <wall>.<10-digit logical>}. */
    @Override
    public String toString() {
        String l = Integer.toString(logical);
        return wall + "." + "0".repeat(LOGICAL_DIGITS - l.length()) + l;
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
