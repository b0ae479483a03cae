package dev.failback;

import dev.failback.spi.ErrorKind;

/**
 * Thrown when the staging or checkpoint store cannot be read or written. {@link #kind()} is what the
 * failure means, as the store that saw it decided ({@link dev.failback.spi.StagingStore#classify}): a
 * webhook request that meets one is answered {@link ErrorKind#webhookStatus()}, 503 (the changefeed sends it
 * again) unless the request can never be staged as sent (400).
 */
public final class StagingException extends ClassifiedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a store that is unavailable ({@link ErrorKind#TRANSIENT}).
     *
     * @param message what failed
     * @param cause   the underlying failure, may be null
     */
    public StagingException(String message, Throwable cause) {
        this(message, cause, ErrorKind.TRANSIENT);
    }

    /**
     * Creates an exception.
     *
     * @param message what failed
     * @param cause   the underlying failure, may be null
     * @param kind    what the failure means
     */
    public StagingException(String message, Throwable cause, ErrorKind kind) {
        super(message, cause, kind);
    }
}
