/**
 * A Jetty 12 ingress for Failback: {@link dev.failback.jetty.JettySink} runs its own Jetty server and
 * hands every changefeed request to the pipeline's {@link dev.failback.WebhookHandler};
 * {@link dev.failback.jetty.JettySinkHandler} is the bare Jetty {@code Handler} for mounting the
 * receiver in a Jetty server you run yourself. {@link dev.failback.jetty.TlsConfig} makes the sink serve
 * HTTPS (HTTP/2 and HTTP/1.1 by ALPN, optionally mutual TLS), as CockroachDB's {@code webhook-https://}
 * changefeeds need. {@link dev.failback.jetty.JettyAdminServer} serves {@code Failback#adminHandler()}
 * (health and metrics) on an address of its own.
 *
 * <pre>{@code
 * try (Failback failback = Failback.builder()
 *         .target(dataSource)
 *         .sink(JettySink.bind("0.0.0.0", 30004))
 *         .start()) {
 *     failback.awaitTermination(Duration.ofDays(1));
 * }
 * }</pre>
 *
 * <p>Nothing in this package returns or accepts null unless its documentation says so.
 */
package dev.failback.jetty;
