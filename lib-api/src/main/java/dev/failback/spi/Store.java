package dev.failback.spi;

import java.sql.SQLException;

/**
 * The lifecycle that {@link StagingStore}, {@link VersionStore} and {@link DeadLetterStore} share, so
 * that one object may implement several of them (as the built-in stores do) and is prepared and closed
 * once: {@link #init} once, then any method from any thread, then {@link #close}.
 */
public interface Store extends AutoCloseable {

    /**
     * Prepares the store (creates tables when missing).
     *
     * @throws SQLException when the store is unreachable or cannot be prepared
     */
    void init() throws SQLException;

    /** Releases resources. Idempotent. */
    @Override
    default void close() {
    }
}
