package dev.failback.core.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for outage tests: listens on {@code 127.0.0.1} (an ephemeral port) and forwards every
 * connection to an upstream address. {@link #cut()} closes every live connection and refuses new ones
 * (the listening socket is closed, so connecting fails at once); {@link #restore()} listens again on
 * the same port. Thread-safe.
 */
final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Object lock = new Object();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
        ServerSocket s = listen(0);
        this.port = s.getLocalPort();
        startAccepting(s);
    }

    /** The port clients connect to. */
    int port() {
        return port;
    }

    /** Connections accepted since start. */
    long accepted() {
        return accepted.get();
    }

    /** Closes every live connection and refuses new ones until {@link #restore()}. Idempotent. */
    void cut() throws InterruptedException {
        Thread t;
        synchronized (lock) {
            if (server == null) {
                return;
            }
            closeQuietly(server);
            server = null;
            t = acceptor;
            acceptor = null;
        }
        t.join(2_000);
        for (Socket s : live) {
            try {
                s.setSoLinger(true, 0); // reset, as a dead network or a crashed server would
            } catch (SocketException e) {
                // already closed
            }
            closeQuietly(s);
        }
        live.clear();
    }

    /** Accepts connections again, on the same port. Idempotent. */
    void restore() throws IOException {
        synchronized (lock) {
            if (server != null || closed) {
                return;
            }
            startAccepting(listen(port));
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return s;
    }

    private void startAccepting(ServerSocket s) {
        synchronized (lock) {
            server = s;
            acceptor = new Thread(() -> accept(s), "tcp-proxy-" + port + "-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by cut() or close()
            }
            accepted.incrementAndGet();
            Socket up = new Socket();
            try {
                up.connect(upstream, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(up);
                continue;
            }
            live.add(client);
            live.add(up);
            pump(client, up, "up");
            pump(up, client, "down");
            if (s.isClosed()) { // cut() raced with this accept
                closeQuietly(client);
                closeQuietly(up);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // closed by cut() or by the other side
            } catch (IOException e) {
                // the same, seen differently
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                live.remove(from);
                live.remove(to);
            }
        }, "tcp-proxy-" + port + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        cut();
    }
}
