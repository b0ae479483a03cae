package dev.failback;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The answer to a {@link WebhookRequest}: an HTTP status and a short plain-text message. CockroachDB
 * shows a non-2xx answer as {@code "<status>: <message>"} in the changefeed's job status, so messages
 * name the field, table, column and message index at fault. Immutable.
 *
 * <p>A few admin answers are not plain text (the HTML of {@code /_/status}): they carry their
 * {@code Content-Type} and any other response headers in {@link #headers()}, which a server adapter
 * writes as given.
 *
 * @param status     the HTTP status code
 * @param message    the body: a one-line plain-text message (multi-line only for the Prometheus text of
 *                   {@code /_/varz}), or a document of the type in {@code headers}; never null
 * @param retryAfter how long the client should wait before retrying (sent as {@code Retry-After} in
 *                   whole seconds, rounded up), or null for no such advice
 * @param headers    further response headers by name, {@code Content-Type} among them when the body is
 *                   not {@value #TEXT_PLAIN}; never null (empty for none), no line breaks, and neither
 *                   {@code Content-Length} nor {@code Retry-After} (the adapter writes those)
 */
public record WebhookResponse(int status, String message, Duration retryAfter, Map<String, String> headers) {

    /** The content type of an answer whose headers name none: {@value}. */
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private static final Set<String> WRITTEN_BY_ADAPTER = Set.of("content-length", "retry-after",
            "transfer-encoding");

    /** Validates the components. */
    public WebhookResponse {
        Objects.requireNonNull(message, "message");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, but was " + status);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, but was " + retryAfter);
        }
        Objects.requireNonNull(headers, "headers");
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "header name");
            String value = Objects.requireNonNull(e.getValue(), "header value");
            if (name.isEmpty() || !name.chars().allMatch(WebhookResponse::tokenChar)) {
                throw new IllegalArgumentException("header name must be an RFC 9110 token, but was \"" + name + "\"");
            }
            // field-value: visible ASCII, space and tab (obs-text and control characters are refused, line breaks above all)
            if (value.chars().anyMatch(c -> c != '\t' && (c < 0x20 || c > 0x7e))) {
                throw new IllegalArgumentException("header " + name + " must hold visible ASCII, spaces and tabs only"
                        + " (no line break or control character)");
            }
            if (WRITTEN_BY_ADAPTER.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is written by the server adapter");
            }
            copy.put(name, value);
        }
        headers = java.util.Collections.unmodifiableMap(copy);
    }

    private static boolean tokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /**
     * A plain-text answer.
     *
     * @param status     the HTTP status code
     * @param message    a one-line plain-text message, never null
     * @param retryAfter how long the client should wait before retrying, or null
     */
    public WebhookResponse(int status, String message, Duration retryAfter) {
        this(status, message, retryAfter, Map.of());
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
     * Returns the {@code Content-Type} to send: the one in {@link #headers()} (its name matched
     * ignoring case), else {@value #TEXT_PLAIN}.
     *
     * @return the content type, never null
     */
    public String contentType() {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase("Content-Type")) {
                return e.getValue();
            }
        }
        return TEXT_PLAIN;
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
