package dev.failback;

import dev.failback.spi.ErrorKind;

/**
 * Thrown (or reported to {@link FailbackListener#onFailure}) when changes cannot be applied to the
 * target database. The message names the table and keeps the database's SQLState; {@link #kind()} is
 * what the failure means, as the dialect that saw it decided.
 */
public final class ApplyException extends ClassifiedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the table
     * @param cause   the underlying failure, may be null
     * @param kind    what the failure means (usually the dialect's classification of the target's error)
     */
    public ApplyException(String message, Throwable cause, ErrorKind kind) {
        super(message, cause, kind);
    }
}
