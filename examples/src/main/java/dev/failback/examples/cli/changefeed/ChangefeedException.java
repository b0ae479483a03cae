package dev.failback.examples.cli.changefeed;

import dev.failback.FailbackException;

/**
 * A changefeed could not be created: the database is not CockroachDB, a statement failed, or the
 * answer was not understood. The message names the step; the cause is the driver's exception.
 */
public final class ChangefeedException extends FailbackException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, never null
     * @param cause   the underlying failure, may be null
     */
    public ChangefeedException(String message, Throwable cause) {
        super(message, cause);
    }
}
