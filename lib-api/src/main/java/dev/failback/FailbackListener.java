package dev.failback;

/**
 * Observes a running {@link Failback}. Every method has an empty default. Calls come from Failback's
 * own threads; an exception thrown by a listener is logged and otherwise ignored.
 */
public interface FailbackListener {

    /**
     * Called after each state change.
     *
     * @param from the previous state
     * @param to   the new state
     */
    default void onStateChange(State from, State to) {
    }

    /**
     * Called after a target transaction commits and its checkpoint is recorded.
     *
     * @param group   the target schema
     * @param upTo    everything up to this timestamp is now applied
     * @param upserts rows upserted in the transaction
     * @param deletes rows deleted in the transaction
     */
    default void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
    }

    /**
     * Called when applying fails. Retryable failures are retried with backoff; the pipeline keeps
     * running unless {@link Failback#state()} says {@link State#FAILED}.
     *
     * @param group the target schema, or null when not specific to one
     * @param error the failure
     */
    default void onFailure(String group, Throwable error) {
    }
}
