package dev.failback.core.it;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real data source whose {@link #getConnection()} can be made slow, to hold requests in flight.
 * Counts the callers waiting in it and the connections handed out. Thread-safe.
 */
final class SlowDataSource implements DataSource {
    private final DataSource delegate;
    private final AtomicInteger waiting = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();
    private volatile long delayMillis;

    SlowDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** Makes every later {@code getConnection} wait this long first; 0 for none. */
    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Callers inside the delay now. */
    int waiting() {
        return waiting.get();
    }

    /** Connections handed out so far. */
    long connections() {
        return connections.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        connections.incrementAndGet();
        pause();
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        pause();
        return delegate.getConnection(username, password);
    }

    private void pause() throws SQLException {
        long d = delayMillis;
        if (d <= 0) {
            return;
        }
        waiting.incrementAndGet();
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while slowed down", "08001", e);
        } finally {
            waiting.decrementAndGet();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
