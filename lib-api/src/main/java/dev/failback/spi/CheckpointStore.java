package dev.failback.spi;

import dev.failback.Hlc;
import java.sql.SQLException;
import java.util.Map;

/**
 * Durable progress per target schema ("group"). Lifecycle: {@link #init} once, then any method from
 * any thread, then {@link #close}. Implementations are thread-safe.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Prepares the store (creates tables when missing).
     *
     * @throws SQLException when the store is unreachable or cannot be prepared
     */
    void init() throws SQLException;

    /**
     * Loads every group's checkpoint, for resuming after a restart.
     *
     * @return checkpoints by group, never null
     * @throws SQLException when the store is unreachable
     */
    Map<String, Checkpoint> loadAll() throws SQLException;

    /**
     * Loads one group's checkpoint.
     *
     * @param group the group
     * @return the checkpoint, {@link Checkpoint#NONE} when none
     * @throws SQLException when the store is unreachable
     */
    Checkpoint load(String group) throws SQLException;

    /**
     * Durably records a resolved timestamp if it is newer than the one recorded (a ratchet).
     *
     * @param group    the group
     * @param resolved the resolved timestamp
     * @return true when recorded, false when it repeated or went backwards
     * @throws SQLException when the store is unreachable
     */
    boolean advanceResolved(String group, Hlc resolved) throws SQLException;

    /**
     * Durably records that everything up to {@code applied} is committed in the target. Called only
     * after the target transaction committed.
     *
     * @param group   the group
     * @param applied the applied timestamp; never moves the record backwards
     * @throws SQLException when the store is unreachable
     */
    void markApplied(String group, Hlc applied) throws SQLException;

    /** Releases resources. Idempotent. */
    @Override
    default void close() {
    }
}
