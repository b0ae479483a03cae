package dev.failback.jetty;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * One network connection as the {@link ConnectionGuard} keeps count of it: its address, whether it
 * carried an authenticated request, and since when it is idle. Thread-safe (volatile and atomic fields).
 */
final class Peer {
    final EndPoint endPoint;
    final InetAddress address;
    final AtomicInteger active = new AtomicInteger();
    volatile long idleSinceNanos = System.nanoTime();
    volatile boolean authenticated;
    volatile boolean closeAfterAnswer;
    volatile HttpConnection http1;
    private volatile long bytesInAtAnswer;
    /** When a sweep first saw bytes of a request not yet being handled (0: none seen). */
    private volatile long headersSeenNanos;

    Peer(EndPoint endPoint, InetAddress address) {
        this.endPoint = endPoint;
        this.address = address;
    }

    /**
     * How long an HTTP/1.1 connection has been in the middle of a request's headers, as the sweeps see
     * it: since the first sweep that found bytes read after the last answer (or since it opened) while no
     * request on it is being handled; 0 when it is not. Judged by the bytes the connection read, not by its
     * parser's state, which Jetty changes on its own thread without publishing it; and timed from when the
     * bytes were first seen, so a request that arrived after a long idle pause, and is being parsed, is
     * not taken for one stuck in its headers. Called by the one sweeper thread.
     *
     * @param now the sweep's time
     * @return nanoseconds in the headers, or 0
     */
    long inHeadersFor(long now) {
        HttpConnection http = http1;
        if (http == null || http.getBytesIn() <= bytesInAtAnswer && !midHeaders(http.getParser().getState())) {
            headersSeenNanos = 0;
            return 0;
        }
        long since = headersSeenNanos;
        if (since == 0) {
            headersSeenNanos = now == 0 ? 1 : now;
            return 0;
        }
        return now - since;
    }

    /**
     * Whether a parser state is inside a request's headers. A second signal beside the bytes: the next
     * request's first bytes may have been read with the previous body, before its answer. Read from
     * another thread, it may be stale: that delays a close, since a connection is closed only when it is
     * seen in its headers for longer than the header timeout.
     */
    private static boolean midHeaders(HttpParser.State state) {
        return state.ordinal() > HttpParser.State.START.ordinal() && state.ordinal() <= HttpParser.State.HEADER.ordinal();
    }

    /** Remembers how many bytes the connection had read when its last request was answered. */
    void answered() {
        HttpConnection http = http1;
        if (http != null) {
            bytesInAtAnswer = http.getBytesIn();
        }
        headersSeenNanos = 0;
    }
}
