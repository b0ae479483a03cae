package dev.failback;

/**
 * Thrown (or reported to {@link FailbackListener#onFailure}) when changes cannot be applied to the
 * target database. The message names the table and keeps the database's SQLState.
 */
public final class ApplyException extends FailbackException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates an exception.
     *
     * @param message   what failed, naming the table
     * @param cause     the underlying failure, may be null
     * @param retryable whether trying again later may succeed (connection loss, deadlock, overload)
     */
    public ApplyException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Returns whether trying again later may succeed.
     *
     * @return true for transient failures
     */
    public boolean isRetryable() {
        return retryable;
    }
}
