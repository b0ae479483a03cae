package dev.failback.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code failback-<name>-<role>-<n>}. */
public final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);
    private final ThreadFactory delegate;

    public NamedThreadFactory(String pipeline, String role, ThreadFactory delegate) {
        this.prefix = "failback-" + pipeline + "-" + role + "-";
        this.delegate = delegate;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = delegate != null ? delegate.newThread(r) : new Thread(r);
        t.setName(prefix + next.getAndIncrement());
        if (delegate == null) {
            t.setDaemon(true);
        }
        return t;
    }
}
