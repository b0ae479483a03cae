/**
 * The PostgreSQL dialect: resolves {@code /database/schema} webhook paths, reads a schema from
 * {@code pg_catalog}, and applies changefeed rows set-wise with {@code INSERT ... ON CONFLICT} and
 * {@code DELETE ... USING}.
 *
 * <p>{@link dev.failback.dialect.postgres.PostgresDialectProvider} is found through
 * {@link java.util.ServiceLoader} when the target reports itself as {@code PostgreSQL}. The apply
 * technique (how rows reach the server) is chosen with {@link dev.failback.dialect.postgres.ApplyTechnique};
 * the default is the fastest one measured by {@code ApplyTechniqueBenchmark}.
 */
package dev.failback.dialect.postgres;
