package dev.failback.jetty;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link JettySink.Builder} configured, fixed when the sink is built, and the rules its setters
 * check (each throws {@link IllegalArgumentException} "{@code <name>} must be {@code <rule>}, but was
 * {@code <value>}").
 *
 * @param tls the TLS configuration, or null for plain HTTP/1.1
 */
record SinkSettings(String host, int port, Duration idleTimeout, Duration stopTimeout, int maxThreads, TlsConfig tls,
        int requestHeaderSize, int maxConnections, int maxConnectionsPerAddress, Duration headerTimeout,
        Duration bodyTimeout, long minRequestDataRate, boolean varz) {

    /** The base URI of a server with these settings bound to {@code boundPort}; an unspecified host shows as 0.0.0.0. */
    URI uri(int boundPort) {
        String h = host.isEmpty() ? "0.0.0.0" : host;
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create((tls == null ? "http://" : "https://") + h + ":" + boundPort);
    }

    /** Returns {@code value} when it is positive; otherwise throws naming {@code what}. */
    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, but was " + value);
        }
        return value;
    }

    /** Returns {@code value} when {@code valid}; otherwise throws "{@code what} must be {@code rule}, but was …". */
    static int require(String what, int value, boolean valid, String rule) {
        return (int) require(what, (long) value, valid, rule);
    }

    /** Returns {@code value} when {@code valid}; otherwise throws "{@code what} must be {@code rule}, but was …". */
    static long require(String what, long value, boolean valid, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(what + " must be " + rule + ", but was " + value);
        }
        return value;
    }
}
