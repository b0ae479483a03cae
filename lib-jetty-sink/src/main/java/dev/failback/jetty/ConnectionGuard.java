package dev.failback.jetty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data port of a {@link JettySink} usable by authenticated senders while others flood it,
 * where Jetty 12 has no setting for it. It is both the {@link Connection.Listener} of the connector
 * (it sees every network connection open and close) and the handler wrapped around the
 * {@link JettySinkHandler} (it sees every request and its answer):
 *
 * <ul>
 *   <li>A connection counts as authenticated once a request on it, outside {@code /_/}, was answered
 *       with anything but 401, 404 or 405: the pipeline authenticates before anything else.</li>
 *   <li>A connection that is not authenticated and carries no request is closed when no complete
 *       request arrived within the header timeout since it opened or since its last answer; an
 *       authenticated HTTP/1.1 connection in the middle of a request's headers too. An authenticated
 *       connection idle between requests is left to the idle timeout.</li>
 *   <li>A request whose body is being read is cut (the connection closed) when the body takes longer
 *       than the body timeout, or arrives slower than the minimum data rate, counted over the time the
 *       handler waited for it (a busy server reading slowly does not count against the client), once
 *       it waited {@link #RATE_GRACE}.</li>
 *   <li>A refused request (401, 404, 405) on a connection that is not authenticated, or one whose body
 *       was not read to its end, is answered with {@code Connection: close} at once, and the
 *       connection is closed {@link #LINGER} after the answer whatever the client still sends.</li>
 *   <li>Beyond the connections allowed per remote address, or in total, the connection that is not
 *       authenticated and idle the longest (of that address, or of all) is closed to make room; when
 *       there is none, the new connection is. Authenticated connections are never evicted.</li>
 * </ul>
 *
 * <p>A sweeper thread ({@code failback-<pipeline>-http-guard}) checks the deadlines every
 * {@link #SWEEP}. Thread-safe.
 */
final class ConnectionGuard extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    /** How often deadlines are checked. */
    static final Duration SWEEP = Duration.ofMillis(250);
    /** How long a connection answered with {@code Connection: close} may stay open for its answer to be read. */
    static final Duration LINGER = Duration.ofSeconds(1);
    /** How long the handler waits for a body's data before its rate is judged. */
    static final Duration RATE_GRACE = Duration.ofSeconds(1);
    /** How far back evictions and refusals at the connection cap make the port saturated. */
    static final Duration RECENT = Duration.ofSeconds(10);

    private final String name;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final long minDataRate;
    private final int maxConnections;
    private final int maxPerAddress;

    private final Object lock = new Object();
    private final Map<EndPoint, Peer> peers = new ConcurrentHashMap<>();
    /** Open connections per remote address; guarded by {@code lock}. */
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
    private final RecentEvents evictedAtCap = new RecentEvents();
    private final RecentEvents refusedAtCap = new RecentEvents();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong headerTimeouts = new AtomicLong();
    private final AtomicLong bodyTimeouts = new AtomicLong();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - RECENT.toNanos());
    private final Connection.Listener listener = new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
            opened(connection);
        }

        @Override
        public void onClosed(Connection connection) {
            closed(connection);
        }
    };
    private ScheduledExecutorService sweeper;

    ConnectionGuard(String name, Handler handler, Duration headerTimeout, Duration bodyTimeout, long minDataRate,
            int maxConnections, int maxPerAddress) {
        super(handler);
        this.name = name;
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
        this.minDataRate = minDataRate;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** The listener to add to the connector, so that the guard sees every connection. */
    Connection.Listener listener() {
        return listener;
    }

    @Override
    protected void doStart() throws Exception {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "failback-" + name + "-http-guard");
            t.setDaemon(true);
            return t;
        });
        long every = SWEEP.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        sweeper.shutdownNow();
    }

    // ---- connections

    private void opened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        EndPoint network = network(endPoint);
        if (network != endPoint) {
            // a connection on the decrypted end point of a TLS connection: HTTP/1.1, HTTP/2 or ALPN
            Peer peer = peers.get(network);
            if (peer != null && connection instanceof HttpConnection http) {
                peer.http1 = http;
            }
            return;
        }
        InetAddress address = endPoint.getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        Peer peer = new Peer(endPoint, address);
        if (connection instanceof HttpConnection http) {
            peer.http1 = http;
        }
        Peer victim;
        boolean atCap;
        synchronized (lock) {
            if (peers.putIfAbsent(endPoint, peer) != null) {
                return;
            }
            int fromAddress = address == null ? 0 : perAddress.merge(address, 1, Integer::sum);
            if (address != null && fromAddress > maxPerAddress) {
                atCap = false;
                victim = idleUnauthenticated(p -> p != peer && address.equals(p.address));
            } else if (peers.size() > maxConnections) {
                atCap = true;
                victim = idleUnauthenticated(p -> p != peer);
            } else {
                return;
            }
            if (victim == null) {
                victim = peer;
            }
            forget(victim);
        }
        String why;
        if (victim == peer) {
            refused.incrementAndGet();
            why = atCap ? "refused: " + maxConnections + " connections are open and none is idle and unauthenticated"
                    : "refused: " + maxPerAddress + " connections from this address are open";
            if (atCap) {
                refusedAtCap.add();
            }
        } else {
            evicted.incrementAndGet();
            why = "evicted (idle and unauthenticated) to make room for a new connection"
                    + (atCap ? "" : " from the same address");
            if (atCap) {
                evictedAtCap.add();
            }
        }
        if (atCap) {
            warnAtCap();
        }
        Peer closing = victim;
        // not from inside onOpened: the connection being opened may be the one closed
        sweeper.execute(() -> close(closing, why));
    }

    private void closed(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (network(endPoint) != endPoint || endPoint.isOpen()) {
            return; // a protocol on top, or an upgrade: the network connection goes on
        }
        synchronized (lock) {
            Peer peer = peers.get(endPoint);
            if (peer != null) {
                forget(peer);
            }
        }
    }

    /** Stops counting a peer; the caller holds the lock. */
    private void forget(Peer peer) {
        if (peers.remove(peer.endPoint, peer) && peer.address != null) {
            perAddress.computeIfPresent(peer.address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The unauthenticated peer carrying no request that was idle the longest; the caller holds the lock. */
    private Peer idleUnauthenticated(Predicate<Peer> among) {
        Peer oldest = null;
        for (Peer p : peers.values()) {
            if (!p.authenticated && p.active.get() == 0 && among.test(p)
                    && (oldest == null || p.idleSinceNanos - oldest.idleSinceNanos < 0)) {
                oldest = p;
            }
        }
        return oldest;
    }

    private void close(Peer peer, String why) {
        synchronized (lock) {
            forget(peer);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} - closing connection from {}: {}", name, peer.endPoint.getRemoteSocketAddress(), why);
        }
        peer.endPoint.close();
    }

    private void warnAtCap() {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= RECENT.toNanos() && lastWarnNanos.compareAndSet(last, now)) {
            // Logged, not thrown: the guard made room (or refused one connection) and goes on.
            LOG.warn("{} - data port at its cap of {} connections: {} idle unauthenticated connections evicted and {}"
                    + " refused in the last {} s", name, maxConnections, evictedAtCap.count(), refusedAtCap.count(),
                    RECENT.toSeconds());
        }
    }

    /** The network end point under any TLS end points. */
    private static EndPoint network(EndPoint endPoint) {
        EndPoint e = endPoint;
        while (e instanceof EndPoint.Wrapper w) {
            e = w.unwrap();
        }
        return e;
    }

    // ---- deadlines

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Peer p : peers.values()) {
                if (p.active.get() > 0) {
                    continue;
                }
                long idle = now - p.idleSinceNanos;
                long inHeaders = p.authenticated ? p.inHeadersFor(now) : 0;
                if (p.closeAfterAnswer && idle > LINGER.toNanos()) {
                    close(p, "answered with Connection: close " + LINGER.toMillis() + " ms ago");
                } else if (idle > headerTimeout.toNanos() && (!p.authenticated || inHeaders > headerTimeout.toNanos())) {
                    headerTimeouts.incrementAndGet();
                    close(p, "no complete request within the header timeout of " + headerTimeout.toMillis() + " ms");
                }
            }
            for (Exchange x : exchanges) {
                long first = x.firstReadNanos;
                if (first == 0 || x.bodyComplete()) {
                    continue;
                }
                long reading = now - first;
                String why = null;
                if (reading > bodyTimeout.toNanos()) {
                    why = "body not read within the body timeout of " + bodyTimeout.toMillis() + " ms";
                } else if (minDataRate > 0 && x.waited(now) > RATE_GRACE.toNanos()
                        && x.bytes.get() * 1_000_000_000.0 / x.waited(now) < minDataRate) {
                    // judged on the time the handler waited for data, not on how fast it read: a busy
                    // server reading slowly is not a slow client
                    why = "body arriving slower than " + minDataRate + " bytes/s (" + x.bytes.get() + " bytes while"
                            + " waiting " + x.waited(now) / 1_000_000 + " ms for them)";
                }
                if (why != null && exchanges.remove(x)) {
                    bodyTimeouts.incrementAndGet();
                    // The handler is blocked reading: closing the connection fails its read. 408 cannot be
                    // sent while the handler owns the response.
                    close(x.peer, why);
                }
            }
        } catch (RuntimeException e) {
            // Swallowed so the sweeper keeps running, so logged.
            LOG.warn("{} - checking connection deadlines failed", name, e);
        }
    }

    // ---- requests

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Peer peer = peers.get(network(request.getConnectionMetaData().getConnection().getEndPoint()));
        if (peer == null) {
            return super.handle(request, response, callback);
        }
        Exchange x = new Exchange(peer, request);
        peer.active.incrementAndGet();
        exchanges.add(x);
        Callback done = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                finish(x, response.getStatus());
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                finish(x, 500);
                super.failed(failure);
            }
        };
        try {
            if (super.handle(new GuardedRequest(request, x), new GuardedResponse(request, response, x), done)) {
                return true;
            }
            finish(x, 404);
            return false;
        } catch (Throwable t) {
            finish(x, 500);
            throw t;
        }
    }

    private void finish(Exchange x, int status) {
        if (!x.finished.compareAndSet(false, true)) {
            return;
        }
        exchanges.remove(x);
        Peer p = x.peer;
        if (!refusal(status) && !x.admin) {
            p.authenticated = true;
        }
        p.closeAfterAnswer = x.closeAfterAnswer;
        p.answered();
        p.idleSinceNanos = System.nanoTime();
        p.active.decrementAndGet();
    }

    /** Whether an answer refuses the request: 401, 404 or 405. */
    static boolean refusal(int status) {
        return status == 401 || status == 404 || status == 405;
    }

    // ---- saturation

    /**
     * Describes how the data port is saturated, if it is: every request thread busy, or connections
     * evicted or refused at the cap in the last {@link #RECENT}.
     */
    Optional<String> saturation(QueuedThreadPool threads) {
        List<String> problems = new ArrayList<>(2);
        if (threads != null && threads.isLowOnThreads()) {
            problems.add("all " + threads.getMaxThreads() + " request threads of the data port are busy ("
                    + exchanges.size() + " requests in progress, " + threads.getQueueSize() + " tasks queued)");
        }
        long evictions = evictedAtCap.count();
        long refusals = refusedAtCap.count();
        if (evictions > 0 || refusals > 0) {
            problems.add("the data port is at its cap of " + maxConnections + " connections (" + open()
                    + " open): " + evictions + " idle unauthenticated connections evicted and " + refusals
                    + " new ones refused in the last " + RECENT.toSeconds() + " s");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** Open network connections now (not counting those being closed). */
    int open() {
        synchronized (lock) {
            return peers.size();
        }
    }

    /** Connections evicted, refused, closed for their headers and cut for their bodies so far. */
    long[] closedCounts() {
        return new long[] {evicted.get(), refused.get(), headerTimeouts.get(), bodyTimeouts.get()};
    }
}
