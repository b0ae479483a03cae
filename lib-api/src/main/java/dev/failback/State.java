package dev.failback;

/** The lifecycle of a running {@link Failback}. Transitions only move forward. */
public enum State {
    /** Built, not started. */
    NEW,
    /** Checking databases, creating staging tables, starting sinks. */
    STARTING,
    /** Accepting changes and applying them. */
    RUNNING,
    /** {@link Failback#close()} was called; draining. */
    STOPPING,
    /** Stopped; every thread Failback created has ended. */
    STOPPED,
    /** Stopped by an unrecoverable error, reported to {@link FailbackListener#onFailure}. */
    FAILED
}
