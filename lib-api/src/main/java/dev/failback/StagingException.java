package dev.failback;

/**
 * Thrown when the staging or checkpoint store cannot be read or written. Always worth retrying: a
 * webhook request that meets one is answered 503 so that the changefeed sends it again.
 */
public final class StagingException extends FailbackException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed
     * @param cause   the underlying failure, may be null
     */
    public StagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
