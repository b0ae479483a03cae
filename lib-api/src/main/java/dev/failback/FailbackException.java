package dev.failback;

/**
 * The root of every exception Failback throws for reasons other than programming errors (those stay
 * JDK exceptions such as {@link IllegalArgumentException}). Unchecked.
 */
public abstract class FailbackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, never null
     */
    protected FailbackException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, never null
     * @param cause   the underlying failure, may be null
     */
    protected FailbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
