/**
 * Apply, the fourth stage: rows into the target database, in transactions.
 * {@link dev.failback.core.internal.apply.WindowApplier} applies a window (folded per key, in foreign-key
 * order by {@link dev.failback.core.internal.apply.TableOrder} and
 * {@link dev.failback.core.internal.apply.SelfReferenceOrder}) and
 * {@link dev.failback.core.internal.apply.PoisonFinder} finds the row a failing window cannot apply,
 * which {@link dev.failback.core.internal.apply.DeadLetters} may set aside;
 * {@link dev.failback.core.internal.apply.ImmediateApplier} applies immediate mode's batches through
 * {@link dev.failback.core.internal.apply.GroupCommit}, guarded by
 * {@link dev.failback.core.internal.apply.VersionGuard} and
 * {@link dev.failback.core.internal.apply.KeyVersions}; every apply transaction checks the lease's
 * {@link dev.failback.core.internal.apply.TargetFence}; {@link dev.failback.core.internal.apply.SchemaDrift}
 * explains failures caused by a target schema that changed. Transforms, conflict rules and parallel
 * apply belong here. Internal: not part of the public API.
 */
package dev.failback.core.internal.apply;
