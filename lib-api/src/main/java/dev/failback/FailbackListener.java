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
     * Called when a resolved timestamp for a target schema is recorded (after it is durable in the checkpoint
     * store; repeated or older ones are not reported). In consistent mode the target schema's staged changes
     * up to it are applied next; in immediate mode everything up to it is already applied.
     *
     * @param schema   the target schema
     * @param resolved the resolved timestamp
     */
    default void onResolved(String schema, Hlc resolved) {
    }

    /**
     * Called after a target transaction commits and its checkpoint is recorded (consistent mode), after
     * each applied batch (immediate mode, {@code upTo} being its newest timestamp) and, with zero
     * rows, when a resolved timestamp marks everything before it applied (immediate mode).
     *
     * @param schema  the target schema
     * @param upTo    everything up to this timestamp is now applied
     * @param upserts rows upserted in the transaction
     * @param deletes rows deleted in the transaction
     */
    default void onWindowApplied(String schema, Hlc upTo, int upserts, int deletes) {
    }

    /**
     * Called when applying or staging fails: a window the sequencer will retry (consistent mode), a
     * batch that could not be applied (immediate mode) or staged; the changefeed then retries the
     * request. Retryable failures are retried with backoff; the pipeline keeps
     * running unless {@link Failback#state()} says {@link State#FAILED}. A window held up by a poison row
     * (see {@link Failback.Builder#deadLetter(boolean)}) is reported on each retry with an
     * {@link ApplyException} naming its table, key, SQLState and source timestamp.
     *
     * @param schema the target schema, or null when not specific to one
     * @param error  the failure
     */
    default void onFailure(String schema, Throwable error) {
    }

    /**
     * Called when this process acquired a target schema's lease: from now on it sequences and applies
     * that target schema (consistent mode). Every other process of the deployment is a standby for it.
     *
     * @param schema   the target schema
     * @param instance this process's {@link FailbackConfig#instanceId()}
     * @param epoch    the lease's epoch (fencing token), larger than that of every earlier holder
     */
    default void onLeaseAcquired(String schema, String instance, long epoch) {
    }

    /**
     * Called when this process stopped holding a target schema's lease: released at {@link Failback#close()},
     * not renewed in time (staging unreachable, a long pause), or taken over by another process.
     *
     * @param schema   the target schema
     * @param instance this process's {@link FailbackConfig#instanceId()}
     * @param epoch    the epoch it held
     * @param reason   why, one line
     */
    default void onLeaseLost(String schema, String instance, long epoch, String reason) {
    }
}
