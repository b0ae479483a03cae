/**
 * The CockroachDB dialect, for failing back into (or replicating between) CockroachDB clusters:
 * resolves {@code /database/schema} webhook paths, reads a schema from {@code information_schema},
 * and applies changefeed rows set-wise with {@code UPSERT INTO ... SELECT ... FROM unnest(...)}.
 *
 * <p>{@link dev.failback.dialect.cockroach.CockroachDialectProvider} is found through
 * {@link java.util.ServiceLoader}; it wins over the PostgreSQL provider when {@code SELECT version()}
 * names CockroachDB (pgjdbc reports {@code PostgreSQL} for both).
 */
package dev.failback.dialect.cockroach;
