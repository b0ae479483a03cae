package dev.failback;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to a {@link WebhookRequest}: an HTTP status and a short plain-text message. CockroachDB
 * shows a non-2xx answer as {@code "<status>: <message>"} in the changefeed's job status, so messages
 * name the field, table, column and message index at fault. Immutable.
 *
 * @param status  the HTTP status code
 * @param message a one-line plain-text message (multi-line only for the Prometheus text of
 *                {@code /_/varz}), never null
 * @param retryAfter how long the client should wait before retrying (sent as {@code Retry-After} in
 *                   whole seconds, rounded up), or null for no such advice
 */
public record WebhookResponse(int status, String message, Duration retryAfter) {

    /** Validates the components. */
    public WebhookResponse {
        Objects.requireNonNull(message, "message");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, but was " + status);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, but was " + retryAfter);
        }
    }

    /**
     * An answer without retry advice.
     *
     * @param status  the HTTP status code
     * @param message a one-line plain-text message, never null
     */
    public WebhookResponse(int status, String message) {
        this(status, message, null);
    }

    /**
     * Returns the {@code Retry-After} header value: whole seconds, rounded up.
     *
     * @return the value, or null when there is no advice
     */
    public String retryAfterHeader() {
        if (retryAfter == null) {
            return null;
        }
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Long.toString(seconds);
    }

    /**
     * Returns whether the status is 2xx.
     *
     * @return true on success
     */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
