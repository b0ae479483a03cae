package dev.failback.spi;

import dev.failback.WebhookHandler;

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
     * Stops receiving: refuse new requests, let requests in flight finish within a bound, release
     * resources. Idempotent.
     */
    @Override
    default void close() {
    }
}
