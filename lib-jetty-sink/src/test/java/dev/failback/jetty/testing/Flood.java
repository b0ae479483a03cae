package dev.failback.jetty.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * Unauthenticated clients that try to starve a data port, over raw sockets: slow bodies (request
 * headers without an {@code Authorization} header, then the body one byte at a time), slow headers
 * (the request line, then one header byte at a time) and idle connections. A closed attacker opens a
 * new connection and starts again, as a persistent attacker would. Thread-safe.
 */
public final class Flood implements AutoCloseable {
    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private final String path;
    private final Duration every;
    private final List<Attacker> attackers = new ArrayList<>();
    private final ExecutorService threads;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicInteger refusedConnects = new AtomicInteger();
    private volatile boolean stopped;

    private Flood(String host, int port, SocketFactory sockets, String path, int slowBodies, int slowHeaders,
            List<InetAddress> idleFrom, int idlePerAddress, Duration every) {
        this.host = host;
        this.port = port;
        this.sockets = sockets;
        this.path = path;
        this.every = every;
        for (int i = 0; i < slowBodies + slowHeaders; i++) {
            attackers.add(new Attacker(i < slowBodies ? Kind.BODY : Kind.HEADERS, null));
        }
        for (InetAddress local : idleFrom) {
            for (int i = 0; i < idlePerAddress; i++) {
                attackers.add(new Attacker(Kind.IDLE, local));
            }
        }
        int n = 4;
        threads = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "flood");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < n; i++) {
            int slice = i;
            threads.execute(() -> run(slice, n));
        }
    }

    /**
     * Starts trickling attackers.
     *
     * @param host        the host of the port
     * @param port        the port
     * @param sockets     plain or TLS sockets
     * @param path        the path to POST to
     * @param slowBodies  how many send a body one byte at a time
     * @param slowHeaders how many send headers one byte at a time
     * @param every       how often each attacker sends its next byte
     * @return the running flood; close it to stop
     */
    public static Flood start(String host, int port, SocketFactory sockets, String path, int slowBodies,
            int slowHeaders, Duration every) {
        return new Flood(host, port, sockets, path, slowBodies, slowHeaders, List.of(), 0, every);
    }

    /**
     * Starts keeping idle connections open (plain TCP, never a byte sent, so to a TLS port they are
     * connections stuck before their handshake): one closed by the server is opened again.
     *
     * @param host       the host of the port
     * @param port       the port
     * @param from       the local addresses to connect from (127.0.0.x work on Linux)
     * @param perAddress how many connections from each
     * @return the running flood; close it to stop
     */
    public static Flood idle(String host, int port, List<InetAddress> from, int perAddress) {
        return new Flood(host, port, SocketFactory.getDefault(), "/", 0, 0, from, perAddress, Duration.ofMillis(200));
    }

    /**
     * Opens idle connections that never send a byte.
     *
     * @param host  the host of the port
     * @param port  the port
     * @param count how many
     * @param local the local address to connect from, or null for any
     * @return the connected sockets; the caller closes them
     * @throws IOException when a connection cannot be made
     */
    public static List<Socket> idle(String host, int port, int count, InetAddress local) throws IOException {
        List<Socket> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            if (local != null) {
                s.bind(new InetSocketAddress(local, 0));
            }
            s.connect(new InetSocketAddress(host, port), 5000);
            out.add(s);
        }
        return out;
    }

    /**
     * Counts the sockets the server closed: reading finds the end of the stream or a reset.
     *
     * @param sockets sockets that sent nothing or all they had
     * @return how many were closed by the server
     */
    public static int closedByServer(List<Socket> sockets) {
        int closed = 0;
        for (Socket s : sockets) {
            try {
                s.setSoTimeout(1);
                if (s.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * Returns how many times attackers found their connection closed and opened another.
     *
     * @return the count
     */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * Returns how many connections the attackers have open now.
     *
     * @return the count
     */
    public int open() {
        int n = 0;
        for (Attacker a : attackers) {
            Socket s = a.socket;
            if (s != null && !s.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Returns how many attackers there are.
     *
     * @return the count
     */
    public int size() {
        return attackers.size();
    }

    private void run(int slice, int of) {
        while (!stopped) {
            long start = System.nanoTime();
            for (int i = slice; i < attackers.size() && !stopped; i += of) {
                attackers.get(i).step();
            }
            long left = every.toNanos() - (System.nanoTime() - start);
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Attacker a : attackers) {
            a.close();
        }
    }

    private enum Kind { BODY, HEADERS, IDLE }

    /** One attacker: one connection at a time, one byte per step (none when idle). */
    private final class Attacker {
        private final Kind kind;
        private final InetAddress local;
        private volatile Socket socket;
        /** What is left to send one byte at a time: header bytes, or null for a body of spaces. */
        private byte[] rest;
        private int total;
        private int sent;

        Attacker(Kind kind, InetAddress local) {
            this.kind = kind;
            this.local = local;
        }

        void step() {
            try {
                if (socket == null || socket.isClosed()) {
                    connect();
                    return;
                }
                if (kind == Kind.IDLE) {
                    socket.setSoTimeout(1);
                    try {
                        if (socket.getInputStream().read() < 0) {
                            throw new IOException("closed by the server");
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // still open
                    }
                    return;
                }
                // the server's answers and closes are noticed as they come; nothing else is read
                InputStream in = socket.getInputStream();
                while (in.available() > 0) {
                    byte[] skip = new byte[in.available()];
                    if (in.read(skip) < 0) {
                        throw new IOException("closed by the server");
                    }
                }
                if (sent >= total) {
                    throw new IOException("sent everything");
                }
                OutputStream out = socket.getOutputStream();
                out.write(rest == null ? ' ' : rest[sent]);
                sent++;
                out.flush();
            } catch (IOException e) {
                close();
                reconnects.incrementAndGet();
            }
        }

        private void connect() throws IOException {
            Socket s = sockets.createSocket();
            try {
                if (local != null) {
                    s.bind(new InetSocketAddress(local, 0));
                }
                s.connect(new InetSocketAddress(host, port), 1000);
            } catch (IOException e) {
                refusedConnects.incrementAndGet();
                s.close();
                throw e;
            }
            socket = s;
            if (kind == Kind.IDLE) {
                return;
            }
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n";
            if (kind == Kind.BODY) {
                head += "Content-Type: application/json\r\nContent-Length: 4194304\r\n\r\n";
                rest = null;
                total = 4 << 20;
            } else {
                rest = ("Content-Type: application/json\r\nX-Padding: " + "x".repeat(8000) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                total = rest.length;
            }
            sent = 0;
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void close() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
