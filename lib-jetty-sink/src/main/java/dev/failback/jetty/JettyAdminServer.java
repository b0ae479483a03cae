package dev.failback.jetty;

import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small plain-HTTP server for Failback's own endpoints on an address of their own (MOLT's
 * {@code --metricsAddr}): it serves {@code Failback#adminHandler()}, that is {@code GET /_/healthz},
 * {@code /_/livez}, {@code /_/varz} and the HTML status page {@code /_/status}, so that probes, scrapes
 * and people neither share the changefeed's port nor its threads. Start it once the pipeline runs and close it before the pipeline:
 *
 * <pre>{@code
 * Failback failback = Failback.builder()
 *         .meterRegistry(prometheusRegistry)
 *         .sink(JettySink.builder().port(26258).varz(false).build())
 *         ...
 *         .start();
 * JettyAdminServer admin = JettyAdminServer.bind("0.0.0.0", 30005);
 * admin.start(failback.name(), failback.adminHandler());
 * }</pre>
 *
 * <p>Only {@code GET} and {@code HEAD} reach the handler, always with an empty body; other methods are
 * answered 405 here, so even a webhook handler given by mistake could not be written through this
 * port. Nothing is authenticated: bind it to an internal interface. Threads are daemon threads named
 * {@code failback-<pipeline>-admin-<n>}; at most {@value #MAX_THREADS}. Headers are limited to
 * {@value #REQUEST_HEADER_SIZE} bytes (431 beyond).
 *
 * <p>Lifecycle: {@link #start} once, then {@link #close} (idempotent). Thread-safe.
 */
public final class JettyAdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JettyAdminServer.class);

    /** Most threads of the admin server (one acceptor and one selector among them): {@value}. */
    public static final int MAX_THREADS = 8;
    /** Largest request line plus headers, in bytes: {@value}. */
    public static final int REQUEST_HEADER_SIZE = 8 * 1024;
    /** Idle timeout of an admin connection. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Bound on {@link #close()} for requests in flight. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Server server;
    private volatile int boundPort = -1;

    private JettyAdminServer(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Returns a server for a host and port, not yet started.
     *
     * @param host the interface to bind, for example {@code 127.0.0.1}; empty or {@code 0.0.0.0} for all
     * @param port 0 to 65535; 0 picks an ephemeral port (see {@link #port()})
     * @return the server, never null
     */
    public static JettyAdminServer bind(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
        }
        return new JettyAdminServer(host.trim(), port);
    }

    /**
     * Starts serving.
     *
     * @param pipelineName the pipeline's name, for thread names and logs
     * @param adminHandler the handler to pass requests to, normally {@code Failback#adminHandler()}
     * @throws Exception when the server cannot start (for example, its port is taken)
     */
    public void start(String pipelineName, WebhookHandler adminHandler) throws Exception {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(adminHandler, "adminHandler");
        synchronized (lock) {
            if (closed.get()) {
                throw new IllegalStateException("JettyAdminServer is closed");
            }
            if (server != null) {
                throw new IllegalStateException("JettyAdminServer was already started");
            }
            Server s = Servers.server(new QueuedThreadPool(MAX_THREADS, 2), "failback-" + pipelineName + "-admin",
                    STOP_TIMEOUT);
            ServerConnector connector = Servers.listen(new ServerConnector(s, 1, 1,
                    new HttpConnectionFactory(Servers.http(REQUEST_HEADER_SIZE))), host, port, IDLE_TIMEOUT);
            s.addConnector(connector);
            s.setHandler(new JettySinkHandler(readOnly(adminHandler)));
            Servers.start(s);
            server = s;
            boundPort = connector.getLocalPort();
            LOG.info("{} - serving /_/healthz, /_/livez, /_/varz and /_/status on {}", pipelineName, uri());
        }
    }

    /** Passes GET and HEAD on without their body; answers anything else 405. */
    private static WebhookHandler readOnly(WebhookHandler handler) {
        return request -> {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return new WebhookResponse(405, "method " + request.method() + " not allowed; use GET");
            }
            return handler.handle(new WebhookRequest(request.method(), request.path(), request.query(),
                    request.headers(), InputStream.nullInputStream(), 0));
        };
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the bound port (the ephemeral one when bound to port 0)
     * @throws IllegalStateException before {@link #start}
     */
    public int port() {
        int p = boundPort;
        if (p < 0) {
            throw new IllegalStateException("JettyAdminServer is not started");
        }
        return p;
    }

    /**
     * Returns the base URI the server listens on, such as {@code http://127.0.0.1:30005}.
     *
     * @return the URI; an unspecified host is shown as {@code 0.0.0.0}
     * @throws IllegalStateException before {@link #start}
     */
    public URI uri() {
        String h = host.isEmpty() ? "0.0.0.0" : host;
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create("http://" + h + ":" + port());
    }

    /** Stops serving and releases the port and threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Server s;
        synchronized (lock) {
            s = server;
        }
        if (s == null) {
            return;
        }
        try {
            s.stop();
        } catch (Exception e) {
            LOG.warn("stopping the admin HTTP server on port {} failed", boundPort, e);
        }
    }

    @Override
    public String toString() {
        return "JettyAdminServer[" + (host.isEmpty() ? "*" : host) + ":" + (boundPort >= 0 ? boundPort : port) + "]";
    }
}
