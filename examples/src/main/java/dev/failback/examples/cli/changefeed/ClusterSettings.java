package dev.failback.examples.cli.changefeed;

import java.util.List;

/**
 * The cluster settings the MOLT failback runbook recommends on the CockroachDB source. Only
 * {@code kv.rangefeed.enabled} is required; the others trade source-cluster latency or CPU for a
 * fresher changefeed. They are cluster-wide: apply them knowingly, see
 * <a href="https://www.cockroachlabs.com/docs/stable/advanced-changefeed-configuration">Advanced
 * Changefeed Configuration</a>.
 */
public final class ClusterSettings {
    private static final List<ClusterSetting> RECOMMENDED = List.of(
            new ClusterSetting("kv.rangefeed.enabled", "true", true,
                    "Required: changefeeds read rangefeeds. Costs a little CPU and memory per range watched."),
            new ClusterSetting("kv.rangefeed.closed_timestamp_refresh_interval", "'250ms'", false,
                    "Optional: rangefeeds publish closed timestamps every 250ms, so resolved"
                            + " timestamps and the target follow sooner; costs more background work and SQL"
                            + " foreground latency on writes."),
            new ClusterSetting("kv.closed_timestamp.target_duration", "'1s'", false,
                    "Optional: ranges close timestamps 1s behind now (default 3s), lowering changefeed lag;"
                            + " long-running writing transactions are pushed more often and may retry."),
            new ClusterSetting("kv.rangefeed.concurrent_catchup_iterators", "64", false,
                    "Optional: more rangefeeds catch up at once after a restart or a cursor in the past"
                            + "; faster catch-up at the cost of cluster CPU and disk reads."));

    private ClusterSettings() {
    }

    /**
     * Returns the settings the runbook recommends, the required one first.
     *
     * @return the settings, never null, immutable
     */
    public static List<ClusterSetting> recommended() {
        return RECOMMENDED;
    }
}
