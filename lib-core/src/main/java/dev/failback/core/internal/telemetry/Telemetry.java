package dev.failback.core.internal.telemetry;

/**
 * Where the stages report, as one value: the running totals, the metrics, and the events (listeners,
 * the log lines operators know, those waiting for a window).
 *
 * @param counters the pipeline's running totals
 * @param metrics  the pipeline's metrics
 * @param events   what the stages report
 */
public record Telemetry(Counters counters, PipelineMetrics metrics, Events events) {
    /** The pipeline's name, which starts every log line. */
    public String name() {
        return events.name();
    }

    /**
     * Counts a failure in {@code failback.errors} and keeps it for the status page ({@link RecentErrors}).
     *
     * @param group the target schema, or null when not known
     * @param stage where: {@code apply}, {@code request} or {@code dead-letter}
     * @param kind  one of the kinds of {@link PipelineMetrics}
     * @param error the failure, or null (a dead-lettered row)
     */
    public void error(String group, String stage, String kind, Throwable error) {
        metrics.error(kind);
        counters.errors.add(group, stage, kind, error);
    }
}
