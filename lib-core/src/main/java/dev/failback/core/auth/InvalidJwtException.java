package dev.failback.core.auth;

import dev.failback.FailbackException;

/**
 * A JWT was refused: malformed, an algorithm MOLT does not accept, a signature no trusted key
 * verifies, no {@code jti}, revoked, expired, not yet valid, or not allowed for the schema. The
 * message says which, for logs at DEBUG and for {@code verify-jwt}; it never contains the token.
 * An HTTP caller only ever sees {@value Authenticators#REFUSED}.
 */
public final class InvalidJwtException extends FailbackException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the token is refused, without the token
     */
    public InvalidJwtException(String message) {
        super(message);
    }
}
