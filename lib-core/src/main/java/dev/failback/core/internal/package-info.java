/**
 * The runtime behind {@link dev.failback.Failback}: {@link dev.failback.core.internal.Pipeline} wires the
 * stages, which follow the data — {@code ingress} (a request to checked rows) → {@code stage} (durable
 * staging, checkpoints, leases) → {@code sequence} (windows from resolved timestamps) → {@code apply}
 * (transactions in the target) — with {@code telemetry} beside them. This package keeps what the stages
 * share: {@link dev.failback.core.internal.Group} (one target schema's state),
 * {@link dev.failback.core.internal.Groups}, {@link dev.failback.core.internal.SchemaCache},
 * {@link dev.failback.core.internal.Backoff} (the one retry policy) and the start-up helpers.
 * Internal: not part of the public API.
 */
package dev.failback.core.internal;
