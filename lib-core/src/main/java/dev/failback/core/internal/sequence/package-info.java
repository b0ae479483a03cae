/**
 * Sequence, the third stage (consistent mode): which staged rows are applied together, when, and by
 * which replica. {@link dev.failback.core.internal.sequence.Sequencer} turns resolved timestamps into
 * windows of one target schema and hands each to the window applier, retrying with backoff;
 * {@link dev.failback.core.internal.sequence.FencedWindow} is one window under the lease's fencing
 * token; {@link dev.failback.core.internal.sequence.LeaseKeeper} acquires and renews the leases that let
 * one replica at a time apply a target schema. Internal: not part of the public API.
 */
package dev.failback.core.internal.sequence;
