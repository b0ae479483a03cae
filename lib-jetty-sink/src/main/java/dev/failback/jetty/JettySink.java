package dev.failback.jetty;

import dev.failback.WebhookHandler;
import dev.failback.spi.Sink;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Sink} that runs an embedded Jetty 12 server and hands every request it receives to the
 * pipeline's {@link WebhookHandler} through a {@link JettySinkHandler}.
 *
 * <pre>{@code
 * Failback.builder()
 *         .target(dataSource)
 *         .createStagingSchema(true)
 *         .authenticator(BearerTokenAuthenticator.of(token))
 *         .sink(JettySink.bind("0.0.0.0", 30004))
 *         .start();
 * }</pre>
 *
 * <p>With {@link Builder#tls(TlsConfig)} the server speaks HTTPS (TLS 1.2 and 1.3) and offers
 * {@code h2} and {@code http/1.1} by ALPN, so CockroachDB, which only sends to {@code webhook-https://}
 * URLs and prefers HTTP/2, connects directly: point the changefeed at
 * {@code webhook-https://<host>:<port>/<database>/<schema>}, adding {@code ca_cert},
 * {@code client_cert} and {@code client_key} as {@link TlsConfig} explains. It re-reads rotated
 * certificate files without a restart. Without TLS it speaks plain HTTP/1.1, for tests or behind a
 * TLS-terminating proxy.
 *
 * <pre>{@code
 * JettySink.builder()
 *         .port(30004)
 *         .tls(TlsConfig.pem(Path.of("server.crt"), Path.of("server.key")).clientCa(Path.of("ca.crt")).build())
 *         .build();
 * }</pre>
 *
 * <p>Its threads are daemon threads named {@code failback-<pipeline>-http-<n>},
 * {@code failback-<pipeline>-http-guard} (the connection deadlines) and
 * {@code failback-<pipeline>-tls-reload} (certificate rotation). {@link #close()} stops
 * accepting connections and lets requests in flight finish within the {@linkplain Builder#stopTimeout
 * stop timeout}.
 *
 * <p>Limits, each set on the {@link Builder}: request headers larger than
 * {@linkplain Builder#requestHeaderSize the header size} are answered 431 before the pipeline sees
 * them; a connection idle (or a body stalled) for the {@linkplain Builder#idleTimeout idle timeout}
 * is closed; at most {@linkplain Builder#maxThreads maxThreads} threads handle requests (a few of
 * them accept and select). Request headers must be complete within the
 * {@linkplain Builder#headerTimeout header timeout}, and a body must arrive within the
 * {@linkplain Builder#bodyTimeout body timeout} and faster than the
 * {@linkplain Builder#minRequestDataRate minimum data rate}. A refused request (401, 404, 405) from a
 * connection that never carried an authenticated request is answered at once and its connection
 * closed. At most {@linkplain Builder#maxConnectionsPerAddress maxConnectionsPerAddress} connections
 * per remote address and {@linkplain Builder#maxConnections maxConnections} in all are open: beyond
 * them a new connection evicts an idle one that never carried an authenticated request, so
 * authenticated changefeed connections keep working; {@link #saturation()} reports a port that is
 * full. The body limit (413, nothing staged) and the
 * JSON limits are the pipeline's ({@code Failback.Builder#maxBodyBytes}, {@code #maxNestingDepth}),
 * and so is back-pressure ({@code #maxInFlight}, 503). There is no per-request timeout: handlers
 * block on the database, and Jetty 12 cannot abandon a blocking handler. The pipeline bounds its
 * work ({@code Failback.Builder#applyTimeout} in immediate mode, the pools' connection timeouts),
 * and the changefeed's {@code webhook_client_timeout} bounds how long CockroachDB waits: a request it
 * gave up on is re-sent, and staging is idempotent.
 *
 * <p>Paths under {@code /_/} ({@code healthz}, {@code livez}, {@code varz}, {@code status}) are answered
 * without authentication, as MOLT does on its data port. When metrics are served on a separate address
 * ({@link JettyAdminServer}), turn {@code /_/varz} and the status page {@code /_/status} off here with
 * {@link Builder#varz varz(false)}.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #close} (idempotent). Thread-safe.
 */
public final class JettySink implements Sink {
    /** Default idle timeout of a connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);
    /** Default bound on {@link #close()} for requests in flight to finish. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Default largest number of request threads: {@value}. */
    public static final int DEFAULT_MAX_THREADS = 200;
    /** Default port, the one MOLT Replicator listens on: {@value}. */
    public static final int DEFAULT_PORT = 26258;
    /** Default largest request line and headers, in bytes (16 KiB, room for long JWTs): {@value}. */
    public static final int DEFAULT_REQUEST_HEADER_SIZE = 16 * 1024;
    /** Default most open connections: {@value} (a CockroachDB node opens at most 32 per changefeed). */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /**
     * Default most open connections from one remote address: {@value}, half of
     * {@link #DEFAULT_MAX_CONNECTIONS}. A CockroachDB node sends at most 32 requests of a changefeed at
     * once ({@code changefeed.sink_io_workers}), so over HTTP/1.1 it opens at most 32 connections per
     * changefeed, and over HTTP/2 (what it negotiates with TLS) one; 512 takes 16 node-changefeeds
     * behind one NAT address over HTTP/1.1 and 512 over HTTP/2. One address alone cannot fill the port.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 512;
    /** Default time a connection has to deliver complete request headers: 10 seconds. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default time a request body has to arrive once the handler reads it: one minute. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofMinutes(1);
    /** Default slowest average rate a request body may arrive at, in bytes per second (16 KiB/s): {@value}. */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 16 * 1024;

    private final SinkSettings settings;

    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SinkServer server;

    private JettySink(SinkSettings settings) {
        this.settings = settings;
    }

    /**
     * Returns a sink listening on a host and port with default settings.
     *
     * @param host the interface to bind, for example {@code 127.0.0.1}; empty or {@code 0.0.0.0} for all
     * @param port the port, 0 for an ephemeral one (see {@link #port()})
     * @return a sink, not yet started
     */
    public static JettySink bind(String host, int port) {
        return builder().host(host).port(port).build();
    }

    /**
     * Returns a new builder.
     *
     * @return a builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start(String pipelineName, WebhookHandler handler) throws Exception {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            if (closed.get()) {
                throw new IllegalStateException("JettySink is closed");
            }
            if (server != null) {
                throw new IllegalStateException("JettySink was already started");
            }
            SinkServer s = SinkServer.start(settings, pipelineName, handler);
            server = s;
            s.announce(pipelineName, uri());
        }
    }

    /**
     * Returns the certificate chain the server presents to new connections now: the one read from the
     * files (or generated) at start, or the latest one reloaded since.
     *
     * @return the chain, server certificate first; empty without TLS
     * @throws IllegalStateException before {@link #start}
     */
    public List<X509Certificate> certificateChain() {
        port();
        TlsReloader tls = server.tls;
        return tls == null ? List.of() : tls.material().chain();
    }

    /**
     * Describes how the data port is saturated, if it is: all request threads busy, or connections
     * evicted or refused at {@linkplain Builder#maxConnections the cap} in the last 10 seconds. The
     * pipeline's {@code /_/healthz} then answers 503 naming it.
     *
     * @return the problem, empty when the port has room (and before {@link #start})
     */
    @Override
    public Optional<String> saturation() {
        SinkServer s = server;
        return s == null || closed.get() ? Optional.empty() : s.guard.saturation(s.threads);
    }

    /** The guard of the running server, for tests; null before {@link #start}. */
    ConnectionGuard guard() {
        SinkServer s = server;
        return s == null ? null : s.guard;
    }

    /**
     * Returns the TLS configuration.
     *
     * @return the configuration, empty when the sink speaks plain HTTP
     */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(settings.tls());
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the bound port (the ephemeral one when built with port 0)
     * @throws IllegalStateException before {@link #start}
     */
    public int port() {
        SinkServer s = server;
        if (s == null) {
            throw new IllegalStateException("JettySink is not started");
        }
        return s.port;
    }

    /**
     * Returns the interface this sink binds, as configured.
     *
     * @return the host, empty for all interfaces
     */
    public String host() {
        return settings.host();
    }

    /**
     * Returns the base URI the server listens on, such as {@code https://127.0.0.1:26258}
     * ({@code http://} without TLS).
     *
     * @return the URI; an unspecified host is shown as {@code 0.0.0.0}
     * @throws IllegalStateException before {@link #start}
     */
    public URI uri() {
        return settings.uri(port());
    }

    /**
     * Stops accepting connections, lets requests in flight finish within the stop timeout, then
     * releases the port and threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        SinkServer s;
        synchronized (lock) {
            s = server;
        }
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public String toString() {
        SinkServer s = server;
        TlsConfig tls = settings.tls();
        return "JettySink[" + (tls == null ? "" : "https ") + (settings.host().isEmpty() ? "*" : settings.host()) + ":"
                + (s != null ? s.port : settings.port()) + (tls == null ? "" : ", " + tls) + "]";
    }

    /** Configures a {@link JettySink}. Not thread-safe. */
    public static final class Builder {
        private String host = "";
        private int port = DEFAULT_PORT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private int maxThreads = DEFAULT_MAX_THREADS;
        private TlsConfig tls;
        private int requestHeaderSize = DEFAULT_REQUEST_HEADER_SIZE;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private long minRequestDataRate = DEFAULT_MIN_REQUEST_DATA_RATE;
        private boolean varz = true;

        private Builder() {
        }

        /**
         * Serves HTTPS with this certificate, offering HTTP/2 and HTTP/1.1 by ALPN, and requires client
         * certificates when the configuration says so. Default: plain HTTP/1.1.
         *
         * @param tls the TLS configuration
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * The interface to bind. Default: all interfaces.
         *
         * @param host a host name or address; empty or {@code 0.0.0.0} for all interfaces
         * @return this builder
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            this.host = host.trim();
            return this;
        }

        /**
         * The port. Default {@value JettySink#DEFAULT_PORT}.
         *
         * @param port 0 to 65535; 0 picks an ephemeral port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = SinkSettings.require("port", port, port >= 0 && port <= 65535, "between 0 and 65535");
            return this;
        }

        /**
         * How long a connection may be idle before it is closed. Default one minute.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = SinkSettings.positive("idleTimeout", timeout);
            return this;
        }

        /**
         * How long {@link JettySink#close()} waits for requests in flight. Default 30 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = SinkSettings.positive("stopTimeout", timeout);
            return this;
        }

        /**
         * The largest number of request threads. Default {@value JettySink#DEFAULT_MAX_THREADS}.
         *
         * @param threads at least 4 (Jetty needs some for accepting and selecting)
         * @return this builder
         */
        public Builder maxThreads(int threads) {
            this.maxThreads = SinkSettings.require("maxThreads", threads, threads >= 4, ">= 4");
            return this;
        }

        /**
         * The largest request line plus headers; larger requests are answered 431 (Request Header
         * Fields Too Large) and never reach the pipeline. Default
         * {@value JettySink#DEFAULT_REQUEST_HEADER_SIZE} bytes.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder requestHeaderSize(int bytes) {
            this.requestHeaderSize = SinkSettings.require("requestHeaderSize", bytes, bytes >= 1024, ">= 1024");
            return this;
        }

        /**
         * The most connections open at once. A new connection beyond it closes the connection that is
         * idle the longest among those that never carried an authenticated request (a request answered
         * with anything but 401, 404 or 405 outside {@code /_/}); when every connection is
         * authenticated or busy, the new one is closed. Authenticated changefeed connections are never
         * evicted, and {@link JettySink#saturation()} reports evictions and refusals for 10 seconds.
         * Default {@value JettySink#DEFAULT_MAX_CONNECTIONS}.
         *
         * @param connections a positive count
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = SinkSettings.require("maxConnections", connections, connections > 0, "> 0");
            return this;
        }

        /**
         * The most connections open at once from one remote address; beyond it a new connection from
         * that address closes the one of that address that is unauthenticated and idle the longest, or
         * is closed itself. Default {@value JettySink#DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} (see
         * {@link JettySink#DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} for why); raise it when many nodes of a
         * cluster reach this sink through one NAT address.
         *
         * @param connections a positive count
         * @return this builder
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = SinkSettings.require("maxConnectionsPerAddress", connections,
                    connections > 0, "> 0");
            return this;
        }

        /**
         * How long a connection has to deliver complete request headers, from when it opened or from
         * its last answer; then it is closed. It applies to connections that never carried an
         * authenticated request (an idle one included) and, over HTTP/1.1, to authenticated connections
         * that started sending a request; an authenticated connection idle between requests is left to
         * the {@linkplain #idleTimeout idle timeout}. Default 10 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = SinkSettings.positive("headerTimeout", timeout);
            return this;
        }

        /**
         * How long a request body may take to arrive once the handler starts reading it (after
         * authentication); then the connection is closed and the changefeed retries. Default one minute.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder bodyTimeout(Duration timeout) {
            this.bodyTimeout = SinkSettings.positive("bodyTimeout", timeout);
            return this;
        }

        /**
         * The slowest average rate a request body may arrive at, judged once it has been read for a
         * second; a slower body has its connection closed, so a trickling sender cannot hold a request
         * thread. Jetty 12 ignores {@code HttpConfiguration#setMinRequestDataRate}, so this sink
         * enforces it. Default {@value JettySink#DEFAULT_MIN_REQUEST_DATA_RATE} bytes per second.
         *
         * @param bytesPerSecond 0 to turn the check off, or a positive rate
         * @return this builder
         */
        public Builder minRequestDataRate(long bytesPerSecond) {
            this.minRequestDataRate = SinkSettings.require("minRequestDataRate", bytesPerSecond, bytesPerSecond >= 0,
                    ">= 0");
            return this;
        }

        /**
         * Whether this port answers {@code /_/varz} (the Prometheus metrics) and {@code /_/status} (the
         * HTML status page). Default true, as MOLT does when {@code --metricsAddr} is not set; set false
         * when a {@link JettyAdminServer} serves them on a separate address, and both then answer 404
         * here. {@code /_/healthz} and {@code /_/livez} are answered either way.
         *
         * @param serve whether to serve {@code /_/varz} and {@code /_/status}
         * @return this builder
         */
        public Builder varz(boolean serve) {
            this.varz = serve;
            return this;
        }

        /**
         * Returns a new sink with this configuration. The builder is unchanged.
         *
         * @return a sink, not yet started
         */
        public JettySink build() {
            return new JettySink(new SinkSettings(host, port, idleTimeout, stopTimeout, maxThreads, tls, requestHeaderSize,
                    maxConnections, maxConnectionsPerAddress, headerTimeout, bodyTimeout, minRequestDataRate, varz));
        }
    }
}
