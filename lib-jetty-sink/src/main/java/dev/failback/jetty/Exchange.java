package dev.failback.jetty;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;

/**
 * One request being handled, as the {@link ConnectionGuard} follows it: how much of its body the
 * handler read, since when, and how long it waited for the data. Thread-safe (volatile and atomic fields).
 */
final class Exchange {
    final Peer peer;
    final long length;
    final boolean admin;
    final boolean http1;
    final boolean mayHaveBody;
    final AtomicBoolean finished = new AtomicBoolean();
    final AtomicLong bytes = new AtomicLong();
    volatile long firstReadNanos;
    /** Since when the handler waits for data that has not arrived (0: not waiting). */
    volatile long waitingSince;
    /** How long the handler waited for data, before {@link #waitingSince}. */
    final AtomicLong waitedNanos = new AtomicLong();
    volatile boolean last;
    volatile boolean closeAfterAnswer;

    Exchange(Peer peer, Request request) {
        this.peer = peer;
        this.length = request.getLength();
        String path = request.getHttpURI().getDecodedPath();
        this.admin = path != null && AdminPaths.isAdmin(path);
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        this.http1 = version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
        // HTTP/1.1 without a length nor chunks has no body; HTTP/2 may send DATA without a length
        this.mayHaveBody = length > 0 || length < 0 && (!http1 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
    }

    boolean bodyComplete() {
        return !mayHaveBody || last || length >= 0 && bytes.get() >= length;
    }

    /** Records what a read returned: nothing (the handler will wait) or a chunk (the wait ended). */
    void arrived(boolean data) {
        long now = System.nanoTime();
        long since = waitingSince;
        if (!data) {
            if (since == 0) {
                waitingSince = now == 0 ? 1 : now;
            }
        } else if (since != 0) {
            waitedNanos.addAndGet(now - since);
            waitingSince = 0;
        }
    }

    /** How long the handler has waited for this body's data, until {@code now}. */
    long waited(long now) {
        long since = waitingSince;
        return waitedNanos.get() + (since == 0 ? 0 : now - since);
    }

    void reading() {
        if (firstReadNanos == 0) {
            long now = System.nanoTime();
            firstReadNanos = now == 0 ? 1 : now;
        }
    }
}
