/**
 * A CockroachDB changefeed simulator for tests: it keeps an in-memory source database, generates
 * source transactions with a {@link dev.failback.testing.simulator.Workload}, and POSTs the changes
 * to a webhook receiver in exactly the format and with the delivery semantics of a CockroachDB
 * changefeed's webhook sink (several nodes sending in parallel, per-key order, byte-identical
 * retries, resolved timestamps only after every earlier change was acknowledged).
 * {@link dev.failback.testing.simulator.TargetVerifier} then checks that a PostgreSQL target holds
 * what the source model holds.
 *
 * <pre>{@code
 * HrWorkload workload = new HrWorkload();
 * // create the tables: workload.postgresDdl("hr") ...
 * try (ChangefeedSimulator sim = ChangefeedSimulator.builder()
 *         .url(URI.create("http://127.0.0.1:" + port + "/postgres/hr"))
 *         .workload(workload)
 *         .seed(42)
 *         .build()) {
 *     sim.start();
 *     sim.runTransactions(1_000);
 *     Hlc end = sim.finish();
 *     failback.awaitApplied(end, Duration.ofMinutes(1));
 *     TargetVerifier.Report report = TargetVerifier.verify(dataSource, "hr", sim.model());
 *     assert report.matches() : report;
 * }
 * }</pre>
 *
 * <p>Depends only on the JDK, jackson-core and failback-api.
 */
package dev.failback.testing.simulator;
