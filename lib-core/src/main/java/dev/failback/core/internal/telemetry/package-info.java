/**
 * Telemetry, beside every stage: what the stages report and who hears it.
 * {@link dev.failback.core.internal.telemetry.Events} is what the stages call;
 * {@link dev.failback.core.internal.telemetry.Counters} and
 * {@link dev.failback.core.internal.telemetry.PipelineMetrics} count,
 * {@link dev.failback.core.internal.telemetry.Listeners} is the configured listeners as one guarded
 * composite, {@link dev.failback.core.internal.telemetry.Health},
 * {@link dev.failback.core.internal.telemetry.Progress} and
 * {@link dev.failback.core.internal.telemetry.StatusView} tell readiness, progress and status,
 * {@link dev.failback.core.internal.telemetry.StatusPage} shows them to people (with the samples of
 * {@link dev.failback.core.internal.telemetry.StatusHistory}, the failures of
 * {@link dev.failback.core.internal.telemetry.RecentErrors} and the refusals of
 * {@link dev.failback.core.internal.telemetry.Refusals}), and
 * {@link dev.failback.core.internal.telemetry.AdminService} serves them on the admin paths.
 * Internal: not part of the public API.
 */
package dev.failback.core.internal.telemetry;
