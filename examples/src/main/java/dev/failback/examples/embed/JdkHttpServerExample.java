package dev.failback.examples.embed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.spi.Authenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a changefeed without Jetty: mounts {@link Failback#webhookHandler()} in the JDK's built-in
 * {@code com.sun.net.httpserver.HttpServer}. The pipeline is started without sinks; the application
 * owns the HTTP server.
 *
 * <pre>
 * java -cp failback.jar dev.failback.examples.embed.JdkHttpServerExample \
 *     'jdbc:postgresql://127.0.0.1:5432/app?user=app' 30004
 * </pre>
 *
 * <p>Set {@code FAILBACK_TOKEN} to require {@code Authorization: Bearer <token>} (CockroachDB's
 * {@code webhook_auth_header}); without it authentication is disabled. The server speaks plain HTTP:
 * put it behind a TLS-terminating proxy, or use {@code HttpsServer}, for CockroachDB to reach it.
 */
public final class JdkHttpServerExample {
    private static final Logger LOG = LoggerFactory.getLogger(JdkHttpServerExample.class);

    private JdkHttpServerExample() {
    }

    /**
     * Starts a pipeline on the target given as the first argument and serves its webhook on the
     * port given as the second (default 30004) until the JVM is asked to stop.
     *
     * @param args the target JDBC URL, then optionally the port
     * @throws Exception when the pipeline or the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JdkHttpServerExample <target JDBC URL> [port]");
            System.exit(2);
        }
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 30004;
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setPoolName("failback-target");
        try (HikariDataSource target = new HikariDataSource(pool)) {
            Failback.Builder builder = Failback.builder().target(target).createStagingSchema(true);
            String token = System.getenv("FAILBACK_TOKEN");
            if (token == null || token.isEmpty()) {
                builder.disableAuthentication();
            } else {
                builder.authenticator(bearer(token));
            }
            Failback failback = builder.start();
            HttpServer server = serve(failback.webhookHandler(), new InetSocketAddress(port), 16);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(server, failback, Duration.ofSeconds(30));
                stopped.countDown();
            }, "failback-shutdown"));
            LOG.info("receiving the changefeed on http://{}:{}/<database>/<schema>", "0.0.0.0",
                    server.getAddress().getPort());
            stopped.await();
        }
    }

    /**
     * Creates and starts an {@link HttpServer} that hands every request to a webhook handler, on a
     * fixed pool of platform threads (the handler blocks while it stages a batch).
     *
     * @param handler the pipeline's handler, usually {@link Failback#webhookHandler()}
     * @param address where to listen; port 0 for an ephemeral one
     * @param threads request threads; at least the changefeed's concurrency (one per CockroachDB node)
     * @return the started server; stop it with {@link #stop}
     * @throws IOException when the address cannot be bound
     */
    public static HttpServer serve(WebhookHandler handler, InetSocketAddress address, int threads)
            throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        server.createContext("/", new WebhookHttpHandler(handler));
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "failback-jdk-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return server;
    }

    /**
     * Stops in the order that loses nothing: the server first (it stops accepting, then waits up to
     * {@code timeout} for exchanges in flight), then the pipeline, which answers anything still
     * arriving with 503 and finishes the window being applied.
     *
     * @param server   a server from {@link #serve}
     * @param failback the pipeline
     * @param timeout  how long requests in flight may take to finish
     */
    public static void stop(HttpServer server, Failback failback, Duration timeout) {
        server.stop((int) Math.max(1, timeout.toSeconds()));
        failback.close();
        if (server.getExecutor() instanceof ExecutorService executor) {
            executor.shutdown();
            try {
                executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A bearer-token authenticator comparing in constant time.
     *
     * @param token the token CockroachDB sends as {@code Authorization: Bearer <token>}
     * @return the authenticator
     */
    public static Authenticator bearer(String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return (request, schemaPath) -> {
            String header = request.header("Authorization");
            return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))
                    ? Authenticator.Decision.allow()
                    : Authenticator.Decision.deny("missing or invalid access token");
        };
    }

    /**
     * The adapter: {@link HttpExchange} to {@link WebhookRequest}, and the {@link WebhookResponse} back
     * as {@code text/plain; charset=utf-8}, or with the content type and headers it carries (the HTML of
     * {@code /_/status}). Thread-safe.
     */
    public static final class WebhookHttpHandler implements HttpHandler {
        private final WebhookHandler handler;

        /**
         * Creates the adapter.
         *
         * @param handler the webhook handler every request goes to
         */
        public WebhookHttpHandler(WebhookHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            WebhookResponse answer;
            try (InputStream body = exchange.getRequestBody()) {
                Map<String, List<String>> headers = exchange.getRequestHeaders(); // case-insensitive keys
                WebhookRequest request = new WebhookRequest(exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(), headers, body,
                        contentLength(headers));
                answer = handler.handle(request);
            } catch (RuntimeException e) {
                LOG.error("webhook handler failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                answer = new WebhookResponse(500, "internal error");
            }
            String message = answer.message();
            byte[] bytes = (message.endsWith("\n") ? message : message + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach(exchange.getResponseHeaders()::set); // the status page's policy headers
            String retryAfter = answer.retryAfterHeader();
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(answer.status(), -1); // headers only
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        private static long contentLength(Map<String, List<String>> headers) {
            List<String> values = headers.get("Content-Length");
            if (values == null || values.isEmpty()) {
                return -1;
            }
            try {
                return Long.parseLong(values.get(0).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
