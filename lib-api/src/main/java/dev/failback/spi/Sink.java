package dev.failback.spi;

import dev.failback.WebhookHandler;
import java.util.Optional;

/**
 * An ingress: receives changefeed requests (over HTTP or otherwise) and hands each one to a
 * {@link WebhookHandler}. Lifecycle: {@link #start} once, then {@link #close} (idempotent).
 */
public interface Sink extends AutoCloseable {

    /**
     * Starts receiving. Called once by {@code Failback.Builder#start()} after staging is ready.
     *
     * @param pipelineName the pipeline's name, for thread names and logs
     * @param handler      the handler to pass every request to; thread-safe
     * @throws Exception when the sink cannot start (for example, its port is taken)
     */
    void start(String pipelineName, WebhookHandler handler) throws Exception;

    /**
     * Describes how this sink is saturated, if it is: it cannot take more requests or connections
     * now (all request threads busy, connections evicted or refused at a cap), so changefeed
     * requests may wait or fail. The pipeline's health check ({@code /_/healthz}) answers 503 with
     * this text while it is present. Called from health-check threads; must be cheap and thread-safe.
     * The default reports nothing.
     *
     * @return a one-line description, or empty when the sink has room
     */
    default Optional<String> saturation() {
        return Optional.empty();
    }

    /**
     * Stops receiving: refuse new requests, let requests in flight finish within a bound, release
     * resources. Idempotent.
     */
    @Override
    default void close() {
    }
}
