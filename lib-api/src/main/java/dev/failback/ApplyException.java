package dev.failback;

import dev.failback.spi.ErrorKind;
import java.util.Objects;

/**
 * Thrown (or reported to {@link FailbackListener#onFailure}) when changes cannot be applied to the
 * target database. The message names the table and keeps the database's SQLState; {@link #kind()} is
 * what the failure means, as the dialect that saw it decided.
 */
public final class ApplyException extends FailbackException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the table
     * @param cause   the underlying failure, may be null
     * @param kind    what the failure means (usually the dialect's classification of the target's error)
     */
    public ApplyException(String message, Throwable cause, ErrorKind kind) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Returns what the failure means.
     *
     * @return the kind, never null
     */
    public ErrorKind kind() {
        return kind;
    }

    /**
     * Returns whether trying again later may succeed: {@code kind().retryable()}.
     *
     * @return false when the data can never be applied as sent ({@link ErrorKind#BAD_DATA})
     */
    public boolean isRetryable() {
        return kind.retryable();
    }
}
