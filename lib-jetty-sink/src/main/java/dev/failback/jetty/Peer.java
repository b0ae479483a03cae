package dev.failback.jetty;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.http.HttpParser;
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

    Peer(EndPoint endPoint, InetAddress address) {
        this.endPoint = endPoint;
        this.address = address;
    }

    /**
     * Whether an HTTP/1.1 connection has received part of a request's headers: its parser is past
     * {@code START} and not yet past {@code HEADER}. (After an answer the parser may rest in {@code END}
     * until the next request arrives: that is an idle connection, not one stuck in its headers.)
     */
    boolean inHeaders() {
        HttpConnection http = http1;
        if (http == null) {
            return false;
        }
        HttpParser.State state = http.getParser().getState();
        return state.ordinal() > HttpParser.State.START.ordinal() && state.ordinal() <= HttpParser.State.HEADER.ordinal();
    }
}
