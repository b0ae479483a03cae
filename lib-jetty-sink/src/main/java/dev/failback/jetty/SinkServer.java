package dev.failback.jetty;

import dev.failback.WebhookHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Jetty server of a started {@link JettySink}: its request threads, its one connector
 * (HTTP/1.1, or HTTPS offering {@code h2} and {@code http/1.1} by ALPN), the {@link ConnectionGuard}
 * around the handler and, with TLS, the {@link TlsReloader}. Logs as {@link JettySink}, the category
 * operators configure for the sink. Made by {@link #start}; thread-safe.
 */
final class SinkServer {
    private static final Logger LOG = LoggerFactory.getLogger(JettySink.class);

    final Server server;
    final QueuedThreadPool threads;
    final ConnectionGuard guard;
    /** Null without TLS. */
    final TlsReloader tls;
    final int port;

    private SinkServer(Server server, QueuedThreadPool threads, ConnectionGuard guard, TlsReloader tls) {
        this.server = server;
        this.threads = threads;
        this.guard = guard;
        this.tls = tls;
        this.port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * Starts a server with these settings, handing requests to {@code handler}.
     *
     * @return the running server
     * @throws Exception when the certificate is not usable or the server cannot start (it is stopped)
     */
    static SinkServer start(SinkSettings settings, String pipelineName, WebhookHandler handler) throws Exception {
        TlsReloader tls = settings.tls() == null ? null : new TlsReloader(settings.tls(), pipelineName);
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), Math.min(8, settings.maxThreads()));
        Server s = Servers.server(threads, "failback-" + pipelineName + "-http", settings.stopTimeout());
        ConnectionGuard g = new ConnectionGuard(pipelineName,
                new JettySinkHandler(settings.varz() ? handler : AdminPaths.withoutMetrics(handler)),
                settings.headerTimeout(), settings.bodyTimeout(), settings.minRequestDataRate(),
                settings.maxConnections(), settings.maxConnectionsPerAddress());
        s.addConnector(connector(s, settings, tls, g));
        // The guard evicts at maxConnections; this hard limit only bounds file descriptors should closing lag.
        s.addBean(new NetworkConnectionLimit((int) Math.min(Integer.MAX_VALUE, 2L * settings.maxConnections()), s));
        s.setHandler(new GracefulHandler(g));
        Servers.start(s);
        return new SinkServer(s, threads, g, tls);
    }

    /**
     * Builds the connector of the server: HTTP/1.1, or with TLS an HTTPS connector that negotiates
     * HTTP/2 or HTTP/1.1 by ALPN. The guard sees every connection it opens.
     */
    private static ServerConnector connector(Server server, SinkSettings settings, TlsReloader tls,
            ConnectionGuard guard) {
        HttpConfiguration http = Servers.http(settings.requestHeaderSize());
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            // No SNI host check: like MOLT Replicator, accept any Host header; the client verifies names.
            http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            HttpConnectionFactory http11 = new HttpConnectionFactory(http);
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
            // ALPN names are lower case ("http/1.1"), unlike HttpConnectionFactory's protocol ("HTTP/1.1").
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol(http11.getProtocol());
            connector = new ServerConnector(server, new SslConnectionFactory(tls.sslContextFactory(), alpn.getProtocol()),
                    alpn, h2, http11);
        }
        Servers.listen(connector, settings.host(), settings.port(), settings.idleTimeout());
        connector.addEventListener(guard.listener());
        return connector;
    }

    /** Logs where the server listens and, for certificate files, starts reloading them when they change. */
    void announce(String pipelineName, URI uri) {
        if (tls == null) {
            LOG.info("{} - listening on {} (plain HTTP/1.1; CockroachDB sends only to webhook-https,"
                    + " so put a TLS-terminating proxy in front)", pipelineName, uri);
            return;
        }
        TlsMaterial m = tls.material();
        LOG.info("{} - listening on {} (TLS 1.2/1.3, ALPN h2 and http/1.1); certificate {}", pipelineName, uri,
                m.describe());
        TlsConfig config = tls.config();
        if (config.isSelfSigned()) {
            LOG.info("{} - self-signed certificate, for trials only: add ca_cert={} to the changefeed URL"
                    + " (or insecure_tls_skip_verify=true)", pipelineName,
                    URLEncoder.encode(m.caCertParameter(), StandardCharsets.US_ASCII));
        } else if (!config.reloadInterval().isZero()) {
            tls.startReloading();
        }
    }

    /**
     * Stops reloading certificates, then stops accepting, lets requests in flight finish within the
     * stop timeout, and releases the port and threads.
     */
    void stop() {
        if (tls != null) {
            tls.stop();
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server on port {} failed", port, e);
        }
    }
}
