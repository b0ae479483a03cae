package dev.failback;

/**
 * Turns one changefeed webhook request into a response, independent of any HTTP server. A sink (the
 * Jetty sink, or an application's own server) hands every request to this handler and writes back the
 * status and message it returns.
 *
 * <p>Status semantics: 200 only once the whole batch is durably staged (or applied, in immediate
 * mode); 400 for a malformed body, a column the target lacks or a timestamp too far in the future;
 * 401 without a valid credential; 404 for an unknown path, schema or table, and for a schema that is
 * never writable (Failback's own, the database system's, or one outside {@code Failback.Builder#schemas});
 * 405 for a method other than POST; 413 for an oversize body; 415 for an unsupported
 * {@code Content-Encoding}; 503 when staging or the target is unreachable or saturated, so that the
 * changefeed retries. 401, 405 and a 404 for a path are answered before the body is read. A request answered 4xx
 * stages nothing. Paths under {@code /_/} are Failback's own unauthenticated endpoints (see
 * {@link Failback#adminHandler()}).
 *
 * <p>Implementations are thread-safe: sinks call {@link #handle} from many threads at once.
 */
@FunctionalInterface
public interface WebhookHandler {

    /**
     * Handles one request. Never throws for bad input or database trouble: those become a status.
     *
     * @param request the request, never null
     * @return the response, never null
     */
    WebhookResponse handle(WebhookRequest request);
}
