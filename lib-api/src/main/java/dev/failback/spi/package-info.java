/**
 * Service-provider interfaces: sinks (where changes come in); the stores, one job each (staging,
 * immediate mode's key versions, dead letters, checkpoints, leases); and dialects (how changes are
 * applied to a kind of target database). Plug implementations in through
 * {@link dev.failback.Failback.Builder}; dialects may also be discovered with
 * {@link java.util.ServiceLoader} through {@link dev.failback.spi.DialectProvider}.
 */
package dev.failback.spi;
