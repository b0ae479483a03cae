package dev.failback;

import dev.failback.spi.ErrorKind;
import java.util.Objects;

/**
 * A {@link FailbackException} that carries what the failure means, decided once by whoever saw it:
 * an {@link ApplyException} (the target, as its dialect classified the error) or a
 * {@link StagingException} (the staging or checkpoint store). Callers ask {@link #kind()} instead of
 * deciding again, and may catch this type to handle both alike.
 */
public abstract sealed class ClassifiedException extends FailbackException permits ApplyException, StagingException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    /**
     * Creates an exception.
     *
     * @param message what failed
     * @param cause   the underlying failure, may be null
     * @param kind    what the failure means, never null
     */
    protected ClassifiedException(String message, Throwable cause, ErrorKind kind) {
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
     * @return false when the work can never succeed as sent ({@link ErrorKind#BAD_DATA})
     */
    public boolean isRetryable() {
        return kind.retryable();
    }
}
