package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.HrWorkload;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.TransferWorkload;
import dev.failback.testing.simulator.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Database outages while a changefeed is flowing, through a {@link TcpProxy} that resets every
 * connection and refuses new ones for a few seconds. Staging down: requests are answered 503 (never
 * 4xx), the changefeed retries them, and nothing is lost once staging is back. Target down: batches
 * keep being staged, windows fail and are retried (the status shows the error meanwhile), and
 * everything applies once the target is back. No operator action in either case.
 *
 * <p>The target outage lasts {@code failback.outage.seconds} (default 30), the staging outage
 * {@code failback.outage.staging.seconds} (default 10), while the simulator keeps sending
 * 300 transactions a second. Besides the first window applied after the restore, the test measures
 * how long the target lag takes to come back to what it was before the cut (at most twice the
 * pre-outage maximum, and at least one second) and fails if it does not within two minutes.
 */
class OutageIT {
    private static final Duration TARGET_OUTAGE = Duration.ofSeconds(Long.getLong("failback.outage.seconds", 30));
    private static final Duration STAGING_OUTAGE =
            Duration.ofSeconds(Long.getLong("failback.outage.staging.seconds", 10));

    @Test
    void stagingOutageIsAnswered503AndLosesNothing() throws Exception {
        HrWorkload workload = new HrWorkload();
        try (PostgresSchema db = PostgresSchema.create("outage_stg"); TcpProxy proxy = upstreamProxy();
                HikariDataSource staging = pool("staging", proxy)) {
            db.execute(workload.postgresDdl(db.name()));
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback failback = Failback.builder().disableAuthentication().name("outage-staging")
                    .target(db.dataSource()).staging(staging).stagingSchema(db.name() + "_staging")
                    .createStagingSchema(true).flushSize(100).sink(sink).start()) {
                Outcome o = runWithOutage(failback, sink, db, workload, proxy, STAGING_OUTAGE);
                assertThat(o.during.counters().unavailable()).as("503s while staging was down")
                        .isGreaterThan(o.before.counters().unavailable());
                assertThat(o.end.counters().rejected()).as("requests answered 4xx or 500").isZero();
                assertThat(o.end.lastError()).isNull();
                System.out.printf("OutageIT staging: %d requests answered 503 during a %d s outage (%d after),"
                        + " %d simulator retries; applying again %d ms after restore; target lag %d ms before the"
                        + " cut, %d ms at restore, back to normal %d ms after restore; %d transactions, %d rows%n",
                        o.during.counters().unavailable() - o.before.counters().unavailable(), STAGING_OUTAGE.toSeconds(),
                        o.end.counters().unavailable() - o.during.counters().unavailable(), o.simulator.retries(),
                        o.recoveryMillis, o.normalLagMillis, o.lagAtRestoreMillis, o.lagRecoveryMillis,
                        o.simulator.transactions(), o.simulator.messages());
            }
        }
    }

    @Test
    void targetOutageRetriesWindowsUntilTheyApply() throws Exception {
        TransferWorkload workload = new TransferWorkload(40, 1_000);
        try (PostgresSchema db = PostgresSchema.create("outage_tgt"); TcpProxy proxy = upstreamProxy();
                HikariDataSource target = pool("target", proxy)) {
            db.execute(workload.postgresDdl(db.name()));
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback failback = Failback.builder().disableAuthentication().name("outage-target")
                    .target(target).staging(db.dataSource()).stagingSchema(db.name() + "_staging")
                    .createStagingSchema(true).flushSize(50).applyTimeout(Duration.ofSeconds(5)).sink(sink)
                    .start()) {
                Outcome o = runWithOutage(failback, sink, db, workload, proxy, TARGET_OUTAGE);
                assertThat(o.during.lastError()).as("windows fail while the target is down").isNotNull();
                assertThat(o.during.counters().windows()).as("no window commits while the target is down")
                        .isLessThanOrEqualTo(o.cutStart.counters().windows() + 1);
                assertThat(o.end.counters().windows()).isGreaterThan(o.during.counters().windows());
                assertThat(o.end.counters().rejected()).as("requests answered 4xx or 500").isZero();
                assertThat(o.end.lastError()).isNull();
                System.out.printf("OutageIT target: %d requests answered 503, %d in-place retries, backlog %d at"
                        + " the end of a %d s outage; applying again %d ms after restore; target lag %d ms before the"
                        + " cut, %d ms at restore, back to normal %d ms after restore; %d transactions, %d rows%n",
                        o.end.counters().unavailable(), o.end.counters().retries(), o.during.stagedBacklog(),
                        TARGET_OUTAGE.toSeconds(), o.recoveryMillis, o.normalLagMillis, o.lagAtRestoreMillis,
                        o.lagRecoveryMillis, o.simulator.transactions(), o.simulator.messages());
            }
        }
    }

    /** Status snapshots around one outage. */
    private record Outcome(Status before, Status cutStart, Status during, Status end, long recoveryMillis,
            long normalLagMillis, long lagAtRestoreMillis, long lagRecoveryMillis, ChangefeedSimulator.Stats simulator) {
    }

    private static Outcome runWithOutage(Failback failback, JettySink sink, PostgresSchema db, Workload workload,
            TcpProxy proxy, Duration outage) throws Exception {
        try (ChangefeedSimulator sim = ChangefeedSimulator.builder()
                .url("http://127.0.0.1:" + sink.port() + db.path())
                .nodes(4).maxBatch(10).seed(11).resolvedInterval(Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(15)).transactionsPerSecond(300).workload(workload).build()) {
            AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
            Thread generator = new Thread(() -> {
                try {
                    sim.runFor(outage.plusSeconds(14));
                } catch (Throwable t) {
                    generatorFailure.set(t);
                }
            }, "outage-generator");
            generator.start();
            awaitWindows(failback, 3, Duration.ofSeconds(20));
            long normalLag = 0;
            for (int i = 0; i < 40; i++) { // two seconds of the lag under load before the cut
                normalLag = Math.max(normalLag, failback.status().targetLag().toMillis());
                Thread.sleep(50);
            }
            Status before = failback.status();
            proxy.cut();
            Status cutStart = failback.status();
            Thread.sleep(outage.toMillis());
            Status during = failback.status();
            Hlc appliedAtRestore = during.lastResolvedApplied();
            proxy.restore();
            long restored = System.nanoTime();
            long recoveryMillis = -1;
            while (System.nanoTime() - restored < Duration.ofSeconds(30).toNanos()) {
                Hlc applied = failback.status().lastResolvedApplied();
                if (applied != null && applied.isAfter(appliedAtRestore)) {
                    recoveryMillis = (System.nanoTime() - restored) / 1_000_000;
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(recoveryMillis).as("applying resumed after the restore").isNotNegative();
            long lagAtRestore = during.targetLag().toMillis();
            long normal = Math.max(1_000, 2 * normalLag);
            long lagRecoveryMillis = -1;
            while (System.nanoTime() - restored < Duration.ofMinutes(2).toNanos()) {
                if (failback.status().targetLag().toMillis() <= normal) {
                    lagRecoveryMillis = (System.nanoTime() - restored) / 1_000_000;
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(lagRecoveryMillis).as("target lag back under %d ms after the restore", normal).isNotNegative();
            assertThat(lagAtRestore).as("the lag grew during the outage").isGreaterThan(normal);
            generator.join();
            assertThat(generatorFailure.get()).isNull();
            Hlc last = sim.finish(Duration.ofSeconds(60));
            assertThat(failback.awaitApplied(last, Duration.ofSeconds(60))).as("applied up to " + last).isTrue();
            TargetVerifier.Report report = TargetVerifier.verify(db.dataSource(), db.name(), sim.model());
            assertThat(report.matches()).as(report.toString()).isTrue();
            return new Outcome(before, cutStart, during, failback.status(), recoveryMillis, normalLag, lagAtRestore,
                    lagRecoveryMillis, sim.stats());
        }
    }

    private static void awaitWindows(Failback failback, long windows, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (failback.status().counters().windows() < windows) {
            assertThat(System.nanoTime()).as("waiting for " + windows + " windows").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A proxy in front of the test PostgreSQL server. */
    static TcpProxy upstreamProxy() throws Exception {
        URI u = URI.create(TestDatabases.postgresUrl().substring("jdbc:".length()));
        return new TcpProxy(u.getHost(), u.getPort() < 0 ? 5432 : u.getPort());
    }

    /** A pool on the test PostgreSQL database through a proxy, quick to notice and to get over an outage. */
    static HikariDataSource pool(String name, TcpProxy proxy) {
        URI u = URI.create(TestDatabases.postgresUrl().substring("jdbc:".length()));
        String query = u.getRawQuery() == null ? "" : u.getRawQuery() + "&";
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + u.getRawPath() + "?" + query
                + "connectTimeout=2&socketTimeout=20&tcpKeepAlive=true");
        cfg.setPoolName("outage-" + name);
        cfg.setMaximumPoolSize(8);
        cfg.setConnectionTimeout(1_000);
        cfg.setValidationTimeout(500);
        cfg.setInitializationFailTimeout(-1); // a pool opened while the database is down (TargetDownAtStartIT)
        return new HikariDataSource(cfg);
    }
}
