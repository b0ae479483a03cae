package dev.failback.core.internal.telemetry;

import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.core.internal.Groups;
import dev.failback.core.internal.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic INFO progress line ({@code progress: … rows/s applied, target lag …}). Called from one
 * scheduler thread; not thread-safe otherwise.
 */
public final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // where operators grep for it

    private final String name;
    private final String instance;
    private final Supplier<Status> status;
    private final Counters counters;
    private final Groups groups;
    private final BooleanSupplier leased;
    private long rows;
    private long at;
    private long resolved;
    private long refused;

    public Progress(String name, String instance, Supplier<Status> status, Counters counters, Groups groups,
            BooleanSupplier leased) {
        this.name = name;
        this.instance = instance;
        this.status = status;
        this.counters = counters;
        this.groups = groups;
        this.leased = leased;
    }

    /** Starts measuring the rate from now. */
    public void restart() {
        at = System.nanoTime();
    }

    /**
     * Logs one progress line at INFO when rows were applied or a resolved timestamp arrived since the
     * previous line, or a backlog remains: applied rows per second, target lag (now minus the oldest
     * applied checkpoint), source lag (now minus the newest resolved timestamp) and staged backlog.
     */
    public void log(boolean running) {
        try {
            long refusedNow = counters.rejected.sum() + counters.unavailable.sum();
            long refusedSince = refusedNow - refused;
            refused = refusedNow;
            if (!running || groups.isEmpty() && refusedSince == 0) {
                return;
            }
            long now = System.nanoTime();
            long total = counters.upserts.sum() + counters.deletes.sum();
            long resolvedCount = counters.resolvedReceived.sum();
            Status st = status.get();
            long applied = total - rows;
            boolean changed = applied > 0 || resolvedCount != resolved || refusedSince > 0;
            double seconds = Math.max(1e-3, (now - at) / 1e9);
            rows = total;
            resolved = resolvedCount;
            at = now;
            if (!changed && st.stagedBacklog() == 0) {
                return;
            }
            boolean noResolved = st.lastResolvedReceived() == null || st.lastResolvedReceived().equals(Hlc.ZERO);
            Duration sourceLag = noResolved ? Duration.ZERO
                    : Duration.between(st.lastResolvedReceived().toInstant(), Instant.now());
            // before any resolved timestamp a lag would be measured from nothing (or from old row timestamps)
            String lags = noResolved ? "no resolved timestamp yet"
                    : "target lag " + seconds(st.targetLag()) + ", source lag " + seconds(sourceLag);
            long held = groups.all().stream().filter(g -> g.held != null).count();
            LOG.info("{} - progress: {} rows/s applied, {}, backlog {}{}; instance {}{}",
                    name, String.format(Locale.ROOT, "%,d", Math.round(applied / seconds)), lags,
                    String.format(Locale.ROOT, "%,d", st.stagedBacklog()),
                    refusedSince == 0 ? "" : ", " + String.format(Locale.ROOT, "%,d", refusedSince)
                            + " requests refused (last: " + counters.refusals.last() + ")",
                    instance, !leased.getAsBoolean() ? ""
                            : " holds " + held + " of " + groups.size() + " schema leases");
        } catch (RuntimeException e) {
            LOG.warn("{} - progress report failed: {}", name, e.toString());
        }
    }

    private static String seconds(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

}
