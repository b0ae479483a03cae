package dev.failback.spi;

import dev.failback.FailbackException;

/**
 * Thrown by a {@link Dialect} when a webhook path names a database or schema the target does not
 * have. Answered 404 with this message.
 */
public final class UnknownTargetException extends FailbackException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is unknown, naming it
     */
    public UnknownTargetException(String message) {
        super(message);
    }
}
