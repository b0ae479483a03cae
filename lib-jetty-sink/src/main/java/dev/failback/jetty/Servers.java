package dev.failback.jetty;

import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What the sink's server ({@link SinkServer}) and the {@link JettyAdminServer} build alike: daemon
 * request threads, a server that installs no shutdown hook, an HTTP configuration that does not
 * announce itself, a connector's address and idle timeout, and a start that leaves nothing running
 * when it fails. Stateless.
 */
final class Servers {
    private Servers() {
    }

    /**
     * Returns a server on daemon request threads named {@code <name>-<n>}.
     *
     * @param threads     the request threads, named and made daemon here
     * @param name        the threads' name prefix, such as {@code failback-orders-http}
     * @param stopTimeout how long a stop waits for requests in flight
     * @return the server, not started, without connectors or handler
     */
    static Server server(QueuedThreadPool threads, String name, Duration stopTimeout) {
        threads.setName(name);
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopAtShutdown(false);
        server.setStopTimeout(stopTimeout.toMillis());
        return server;
    }

    /**
     * Returns an HTTP configuration that sends neither {@code Server} nor {@code X-Powered-By}.
     *
     * @param requestHeaderSize the largest request line plus headers, in bytes (431 beyond)
     * @return a new configuration
     */
    static HttpConfiguration http(int requestHeaderSize) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(requestHeaderSize);
        return http;
    }

    /**
     * Sets where a connector listens and how long its connections may idle.
     *
     * @param connector   the connector
     * @param host        the interface to bind; empty for all
     * @param port        the port; 0 for an ephemeral one
     * @param idleTimeout the idle timeout of a connection
     * @return the connector
     */
    static ServerConnector listen(ServerConnector connector, String host, int port, Duration idleTimeout) {
        connector.setHost(host.isEmpty() ? null : host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        return connector;
    }

    /**
     * Starts a server; when that fails, stops it so that no thread or port is left behind.
     *
     * @param server the server
     * @throws Exception why it did not start, with any failure to stop it suppressed
     */
    static void start(Server server) throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
