/**
 * Ingress, the first stage: a webhook request from its bytes to checked rows.
 * {@link dev.failback.core.internal.ingress.WebhookService} answers each request; before reading the
 * body, {@link dev.failback.core.internal.ingress.SchemaGate} refuses paths outside the target schemas;
 * {@link dev.failback.core.internal.ingress.BodyReader} reads and decompresses the body under a size
 * limit and {@link dev.failback.core.internal.ingress.MemoryBudget} bounds what requests hold in memory;
 * {@link dev.failback.core.internal.ingress.WebhookDecoder} turns it into a
 * {@link dev.failback.core.internal.ingress.DecodedBody} (row messages with their JSON kept as exact text,
 * or a resolved timestamp); {@link dev.failback.core.internal.ingress.RowIntake} resolves the tables and
 * runs {@link dev.failback.core.internal.ingress.RowChecks}. Unacceptable input is a
 * {@link dev.failback.core.internal.ingress.WebhookException} carrying the HTTP status to answer with.
 * Checked rows go to the stage ({@code internal.stage}) in consistent mode, or straight to the
 * immediate applier ({@code internal.apply}) in immediate mode. Internal: not part of the public API.
 */
package dev.failback.core.internal.ingress;
