/**
 * The MySQL and MariaDB dialect: resolves {@code /database} webhook paths, reads a database from
 * {@code information_schema}, and applies changefeed rows set-wise with
 * {@code INSERT ... ON DUPLICATE KEY UPDATE} and {@code DELETE ... WHERE key IN (...)}.
 *
 * <p>{@link dev.failback.dialect.mysql.MySqlDialectProvider} is found through
 * {@link java.util.ServiceLoader} when the target reports itself as {@code MySQL} or {@code MariaDB}.
 * The apply technique is chosen with {@link dev.failback.dialect.mysql.MySqlApplyTechnique}; the
 * default is the fastest one measured by {@code MySqlApplyTechniqueBenchmark}.
 */
package dev.failback.dialect.mysql;
