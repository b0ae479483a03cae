package dev.failback;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as a sink received it, independent of any HTTP server. Not thread-safe: the body
 * stream is read once.
 *
 * @param method        the HTTP method, never null
 * @param path          the decoded request path, starting with {@code /}, never null
 * @param query         the raw query string without {@code ?}, may be null
 * @param headers       the request headers; names are matched ignoring case by {@link #header}, never null
 * @param body          the request body, never null (empty stream for none)
 * @param contentLength the declared body length, or -1 when unknown
 */
public record WebhookRequest(String method, String path, String query, Map<String, List<String>> headers,
        InputStream body, long contentLength) {

    /** Validates the components. */
    public WebhookRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /**
     * Returns the first value of a header, matching the name ignoring case.
     *
     * @param name the header name, never null
     * @return the value, or null when absent
     */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
