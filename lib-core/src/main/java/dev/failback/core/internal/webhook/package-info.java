/**
 * The changefeed webhook wire format: {@link dev.failback.core.internal.webhook.BodyReader} reads and
 * decompresses a request body under a size limit, {@link dev.failback.core.internal.webhook.WebhookDecoder}
 * turns it into {@link dev.failback.core.internal.webhook.DecodedBody} (row messages with their JSON
 * kept as exact text, or a resolved timestamp), and both report unacceptable input as a
 * {@link dev.failback.core.internal.webhook.WebhookException} carrying the HTTP status to answer with.
 * Internal: not part of the public API.
 */
package dev.failback.core.internal.webhook;
