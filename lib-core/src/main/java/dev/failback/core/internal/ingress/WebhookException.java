package dev.failback.core.internal.ingress;

import dev.failback.FailbackException;
import java.util.Objects;

/**
 * A webhook request that cannot be accepted as sent: a malformed body (400), a body over the size
 * limit (413) or an unsupported {@code Content-Encoding} (415). The message is one line of plain text
 * that names the field at fault, meant to be sent back as the response body (CockroachDB shows it in
 * the changefeed's job status). Retrying the identical request cannot succeed.
 */
public final class WebhookException extends FailbackException {
    private static final long serialVersionUID = 1L;

    /** HTTP 400 Bad Request. */
    public static final int BAD_REQUEST = 400;
    /** HTTP 413 Content Too Large. */
    public static final int TOO_LARGE = 413;
    /** HTTP 415 Unsupported Media Type. */
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;

    private final int status;

    private WebhookException(int status, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.status = status;
    }

    /**
     * Creates a 400 for a malformed body.
     *
     * @param message what is wrong, one line, never null
     * @return the exception, never null
     */
    public static WebhookException badRequest(String message) {
        return new WebhookException(BAD_REQUEST, message, null);
    }

    /**
     * Creates a 400 for a malformed body, keeping the parser failure as cause.
     *
     * @param message what is wrong, one line, never null
     * @param cause   the underlying failure, may be null
     * @return the exception, never null
     */
    public static WebhookException badRequest(String message, Throwable cause) {
        return new WebhookException(BAD_REQUEST, message, cause);
    }

    /**
     * Creates a 401 (missing or invalid credentials).
     *
     * @param message why, revealing no secret
     * @return the exception
     */
    public static WebhookException unauthorized(String message) {
        return new WebhookException(401, message, null);
    }

    /**
     * Creates a 404 (unknown path, database, schema or table, naming it).
     *
     * @param message what is unknown
     * @return the exception
     */
    public static WebhookException notFound(String message) {
        return new WebhookException(404, message, null);
    }

    /**
     * Creates a 413 for a body over the size limit.
     *
     * @param message which limit was exceeded, one line, never null
     * @return the exception, never null
     */
    public static WebhookException tooLarge(String message) {
        return new WebhookException(TOO_LARGE, message, null);
    }

    /**
     * Creates a 415 for an unsupported {@code Content-Encoding}.
     *
     * @param message which encoding and what to do instead, one line, never null
     * @return the exception, never null
     */
    public static WebhookException unsupportedMediaType(String message) {
        return new WebhookException(UNSUPPORTED_MEDIA_TYPE, message, null);
    }

    /**
     * Returns the HTTP status to answer with: 400, 413 or 415.
     *
     * @return the status
     */
    public int status() {
        return status;
    }
}
