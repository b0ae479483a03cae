/**
 * Failback: replicate a CockroachDB changefeed (webhook sink) back into PostgreSQL, MySQL/MariaDB or
 * Oracle, transaction for transaction.
 *
 * <p>Start with {@link dev.failback.Failback#builder()}: give it the target {@code DataSource}, the
 * tables, and a sink (for example the Jetty sink), then {@code start()}. The returned
 * {@link dev.failback.Failback} is the running pipeline; close it to stop. All types in this package
 * are null-hostile unless a parameter says "may be null".
 */
package dev.failback;
