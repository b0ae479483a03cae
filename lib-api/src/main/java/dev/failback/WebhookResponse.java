package dev.failback;

import java.util.Objects;

/**
 * The answer to a {@link WebhookRequest}: an HTTP status and a short plain-text message. CockroachDB
 * shows a non-2xx answer as {@code "<status>: <message>"} in the changefeed's job status, so messages
 * name the field, table, column and message index at fault. Immutable.
 *
 * @param status  the HTTP status code
 * @param message a one-line plain-text message (multi-line only for the Prometheus text of
 *                {@code /_/varz}), never null
 */
public record WebhookResponse(int status, String message) {

    /** Validates the components. */
    public WebhookResponse {
        Objects.requireNonNull(message, "message");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, but was " + status);
        }
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
