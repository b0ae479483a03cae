package dev.failback.jetty;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
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

    Peer(EndPoint endPoint, InetAddress address) {
        this.endPoint = endPoint;
        this.address = address;
    }

    /**
     * Whether an HTTP/1.1 connection has received bytes since its last answer (or since it opened) while
     * no request on it is being handled: part of a request's headers. Judged by the bytes the connection
     * read, not by its parser's state, which Jetty changes on its own thread without publishing it.
     */
    boolean inHeaders() {
        HttpConnection http = http1;
        return http != null && http.getBytesIn() > bytesInAtAnswer;
    }

    /** Remembers how many bytes the connection had read when its last request was answered. */
    void answered() {
        HttpConnection http = http1;
        if (http != null) {
            bytesInAtAnswer = http.getBytesIn();
        }
    }
}
