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
}
