package dev.failback;

import java.util.Objects;

/**
 * A resolved timestamp from a changefeed: every row change with {@code updated <= timestamp} has
 * been delivered (and acknowledged) before this message. Immutable and thread-safe.
 *
 * @param timestamp the resolved timestamp, never null
 */
public record Resolved(Hlc timestamp) {

    /** Validates the component. */
    public Resolved {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
