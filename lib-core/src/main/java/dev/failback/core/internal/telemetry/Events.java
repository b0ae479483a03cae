package dev.failback.core.internal.telemetry;

import dev.failback.Hlc;
import dev.failback.core.internal.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stages report as they go: windows and batches applied (counted, announced to the
 * listeners, waking {@code awaitApplied}), resolved timestamps received, failures, unknown columns
 * dropped (logged once each). Thread-safe.
 */
public final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // where operators grep for these

    private final String name;
    private final Counters counters;
    private final Listeners listeners;
    /** Notified when a window is applied; {@code awaitApplied} waits on it. */
    private final Object progress;

    public Events(String name, Counters counters, Listeners listeners, Object progress) {
        this.name = name;
        this.counters = counters;
        this.listeners = listeners;
        this.progress = progress;
    }

    /** The pipeline's name, which starts every log line. */
    public String name() {
        return name;
    }

    /** "group table.column" of the unknown columns already logged, so each is logged once. */
    private final java.util.Set<String> ignoredLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Logs once per table and column that values for columns the target lacks are dropped ({@code ignoreUnknownColumns}). */
    public void ignoredColumns(String group, dev.failback.TableName table, java.util.Collection<String> columns) {
        for (String c : columns) {
            if (ignoredLogged.add(group + " " + table + "." + c)) {
                LOG.warn("{} - table {} has no column \"{}\" in the target; its values are dropped (ignoreUnknownColumns)",
                        name, table, c);
            }
        }
    }

    /**
     * Counts a committed window. Called before its checkpoint becomes visible, so that whoever sees the
     * window applied ({@code awaitApplied}, {@code status()}) also sees it counted.
     */
    public void countWindow(int upserts, int deletes, int mutations) {
        counters.upserts.add(upserts);
        counters.deletes.add(deletes);
        if (mutations > 0) {
            counters.windows.increment();
        }
    }

    /** Wakes {@code awaitApplied} and tells the listeners, after {@link #countWindow} and the checkpoint. */
    public void windowApplied(String group, Hlc upTo, int upserts, int deletes, int mutations, long nanos) {
        counters.applied(group, (long) upserts + deletes);
        if (mutations > 0) {
            LOG.debug("{} - applied {} mutations to {} up to {} ({} upserts, {} deletes) in {} ms", name,
                    mutations, group, upTo, upserts, deletes, nanos / 1_000_000);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        listeners.onWindowApplied(group, upTo, upserts, deletes);
    }

    public void immediateApplied(String group, Hlc upTo, int upserts, int deletes, int mutations, long nanos) {
        counters.upserts.add(upserts);
        counters.deletes.add(deletes);
        counters.windows.increment();
        counters.applied(group, (long) upserts + deletes);
        LOG.debug("{} - applied {} mutations to {} immediately in {} ms", name, mutations, group,
                nanos / 1_000_000);
        listeners.onWindowApplied(group, upTo, upserts, deletes);
    }

    public void fireResolved(String group, Hlc resolved) {
        listeners.onResolved(group, resolved);
    }

    public void fireFailure(String group, Throwable error) {
        listeners.onFailure(group, error);
    }
}
