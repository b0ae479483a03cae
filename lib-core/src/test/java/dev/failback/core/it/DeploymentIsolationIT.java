package dev.failback.core.it;

import static dev.failback.core.it.Bodies.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.WebhookRequest;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.TestSchema;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.TransferWorkload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Two deployments on one MariaDB server, each with its own target database, share ONE staging
 * database. Each runs in-process with its own Jetty sink and changefeed. After both stop, deployment
 * A restarts (B's checkpoints still in staging) as two processes of the same deployment: A sees and
 * leases only its own database, never names B's database in its log (slf4j-simple writes to
 * {@code System.err}, captured here), and leaves B's target and checkpoint alone. The two processes
 * of A have different instance ids; one holds the group's lease and the other, a standby, names it as
 * the holder.
 */
class DeploymentIsolationIT {
    static final Duration TTL = Duration.ofMillis(2_000);
    static final Duration RENEWAL = Duration.ofMillis(400);
    private static final int ACCOUNTS = 50;

    @Test
    void deploymentsSharingOneStagingDatabaseStayApart() throws Exception {
        try (TestSchema a = TestSchema.Kind.MARIADB.create("isoa"); TestSchema b = TestSchema.Kind.MARIADB.create("isob")) {
            String staging = TestDatabases.uniqueName("fb_iso");
            HikariDataSource targetA = target(a.name(), "target-a");
            HikariDataSource targetB = target(b.name(), "target-b");
            Set<String> leasedByA = ConcurrentHashMap.newKeySet();
            Set<String> leasedByB = ConcurrentHashMap.newKeySet();
            try {
                TransferWorkload workloadA = new TransferWorkload(ACCOUNTS, 1_000);
                TransferWorkload workloadB = new TransferWorkload(ACCOUNTS, 2_000);
                a.execute(workloadA.mysqlDdl(a.name()));
                b.execute(workloadB.mysqlDdl(b.name()));

                // 1. Both deployments run side by side, each fed by its own changefeed.
                Hlc endB;
                ChangefeedSimulator simB;
                JettySink sinkA = JettySink.bind("127.0.0.1", 0);
                JettySink sinkB = JettySink.bind("127.0.0.1", 0);
                try (Failback fa = deployment("iso-a", targetA, staging, sinkA, leasedByA).start();
                        Failback fb = deployment("iso-b", targetB, staging, sinkB, leasedByB).start();
                        ChangefeedSimulator simA = simulator(List.of(url(sinkA, a)), workloadA, 5)) {
                    simB = simulator(List.of(url(sinkB, b)), workloadB, 6);
                    try {
                        CompletableFuture<Hlc> feedA = feed(simA, Duration.ofSeconds(2));
                        CompletableFuture<Hlc> feedB = feed(simB, Duration.ofSeconds(2));
                        Hlc endA = feedA.get(3, TimeUnit.MINUTES);
                        endB = feedB.get(3, TimeUnit.MINUTES);
                        assertThat(fa.awaitApplied(endA, Duration.ofSeconds(30))).isTrue();
                        assertThat(fb.awaitApplied(endB, Duration.ofSeconds(30))).isTrue();
                        assertMatches(targetA, a, simA);
                        assertMatches(targetB, b, simB);
                        assertThat(fa.status().schemas().keySet()).containsExactly(a.name());
                        assertThat(fb.status().schemas().keySet()).containsExactly(b.name());
                    } finally {
                        simB.close();
                    }
                }
                // Both stopped; B's checkpoint stays in the shared staging database.

                // 2. A restarts as two processes of one deployment; its log is captured.
                String log;
                PrintStream originalErr = System.err;
                ByteArrayOutputStream captured = new ByteArrayOutputStream();
                System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
                try {
                    JettySink sinkA1 = JettySink.bind("127.0.0.1", 0);
                    JettySink sinkA2 = JettySink.bind("127.0.0.1", 0);
                    try (Failback a1 = deployment("iso-a", targetA, staging, sinkA1, leasedByA).start();
                            Failback a2 = deployment("iso-a", targetA, staging, sinkA2, leasedByA).start()) {
                        assertThat(a1.status().schemas().keySet()).as("groups of A after restart").isSubsetOf(a.name());
                        assertThat(a2.status().schemas().keySet()).as("groups of A after restart").isSubsetOf(a.name());
                        TransferWorkload again = new TransferWorkload(ACCOUNTS, 1_000);
                        try (ChangefeedSimulator sim = simulator(List.of(url(sinkA1, a), url(sinkA2, a)), again, 7)) {
                            feed(sim, Duration.ofMillis(1_500)).get(3, TimeUnit.MINUTES);
                            awaitMatch(targetA, a, sim);
                            assertMatches(targetA, a, sim);
                        }
                        String i1 = a1.status().instance();
                        String i2 = a2.status().instance();
                        assertThat(i1).as("instance of A1").isNotBlank();
                        assertThat(i2).as("instance of A2").isNotBlank().isNotEqualTo(i1);
                        // One holds the group; the standby names it as the holder.
                        long deadline = System.nanoTime() + TTL.multipliedBy(2).plusSeconds(5).toNanos();
                        Status s1 = a1.status();
                        Status s2 = a2.status();
                        while (!holderAgreed(s1, s2, a.name()) && System.nanoTime() < deadline) {
                            Thread.sleep(50);
                            s1 = a1.status();
                            s2 = a2.status();
                        }
                        assertThat(s1.schemas().keySet()).containsExactly(a.name());
                        assertThat(s2.schemas().keySet()).containsExactly(a.name());
                        Status.SchemaStatus g1 = s1.schemas().get(a.name());
                        Status.SchemaStatus g2 = s2.schemas().get(a.name());
                        System.out.printf("DeploymentIsolationIT: A1 %s %s, A2 %s %s%n", i1, g1, i2, g2);
                        assertThat(g1.held() ^ g2.held()).as("exactly one holder: " + g1 + " / " + g2).isTrue();
                        String holder = g1.held() ? i1 : i2;
                        assertThat(g1.holder()).as("A1's view of the holder").isEqualTo(holder);
                        assertThat(g2.holder()).as("A2's view of the holder").isEqualTo(holder);
                        assertThat(g1.epoch()).isPositive().isEqualTo(g2.epoch());
                    }
                } finally {
                    System.err.flush();
                    System.setErr(originalErr);
                    log = captured.toString(StandardCharsets.UTF_8);
                }
                assertThat(log).as("the capture works").contains("iso-a - started");
                // The pools of this test (not Failback's output) may name B's database in their own lines.
                List<String> failbackLines = log.lines().filter(l -> !l.contains("com.zaxxer.hikari")).toList();
                assertThat(failbackLines).as("A's log lines naming B's database")
                        .noneMatch(l -> l.contains(b.name()));
                assertThat(leasedByA).as("groups A leased").containsExactly(a.name());
                assertThat(leasedByB).as("groups B leased").containsExactly(b.name());
                assertMatches(targetB, b, simB); // A never touched B's target

                // 3. B's checkpoint was kept: B restarts where it stopped.
                JettySink sinkB2 = JettySink.bind("127.0.0.1", 0);
                try (Failback fb = deployment("iso-b", targetB, staging, sinkB2, leasedByB).start()) {
                    byte[] body = resolved(endB.toString()).getBytes(StandardCharsets.UTF_8);
                    assertThat(fb.webhookHandler().handle(new WebhookRequest("POST", b.path(), null, Map.of(),
                            new ByteArrayInputStream(body), body.length)).status()).isEqualTo(200);
                    long deadline = System.nanoTime() + TTL.multipliedBy(2).plusSeconds(5).toNanos();
                    while (!fb.status().schemas().containsKey(b.name()) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(fb.status().schemas().keySet()).containsExactly(b.name());
                    assertThat(fb.status().schemas().get(b.name()).applied()).as("B's applied checkpoint")
                            .isGreaterThanOrEqualTo(endB);
                    assertMatches(targetB, b, simB);
                }
            } finally {
                targetA.close();
                targetB.close();
                a.execute("DROP DATABASE IF EXISTS `" + staging + "`");
            }
        }
    }

    private static boolean holderAgreed(Status s1, Status s2, String group) {
        Status.SchemaStatus g1 = s1.schemas().get(group);
        Status.SchemaStatus g2 = s2.schemas().get(group);
        return g1 != null && g2 != null && (g1.held() ^ g2.held()) && g1.holder() != null
                && g1.holder().equals(g2.holder());
    }

    private static Failback.Builder deployment(String name, DataSource target, String staging, JettySink sink,
            Set<String> leased) {
        return Failback.builder().disableAuthentication().name(name).target(target).stagingSchema(staging)
                .createStagingSchema(true).mode(Mode.CONSISTENT).leaseTtl(TTL).leaseRenewal(RENEWAL)
                .listener(new FailbackListener() {
                    @Override
                    public void onLeaseAcquired(String group, String instance, long epoch) {
                        leased.add(group);
                    }

                    @Override
                    public void onLeaseLost(String group, String instance, long epoch, String reason) {
                        leased.add(group);
                    }
                })
                .sink(sink);
    }

    /** A pool whose JDBC URL names the deployment's own database. */
    private static HikariDataSource target(String database, String poolName) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.mysqlUrl().replaceFirst("^(jdbc:(?:mysql|mariadb)://[^/?]+)/[^?]*", "$1/" + database));
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName(poolName);
        cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
        cfg.addDataSourceProperty("sessionVariables", "time_zone='+00:00'");
        return new HikariDataSource(cfg);
    }

    private static URI url(JettySink sink, TestSchema db) {
        return URI.create("http://127.0.0.1:" + sink.port() + db.path());
    }

    private static ChangefeedSimulator simulator(List<URI> urls, TransferWorkload workload, long seed) {
        return ChangefeedSimulator.builder().urls(urls).nodes(3).maxBatch(16).seed(seed)
                .resolvedInterval(Duration.ofMillis(100)).retryBackoff(Duration.ofMillis(20))
                .requestTimeout(Duration.ofSeconds(5)).transactionsPerSecond(200).workload(workload).build();
    }

    /** Runs a changefeed for a while, then its final resolved timestamp, on another thread. */
    private static CompletableFuture<Hlc> feed(ChangefeedSimulator sim, Duration duration) {
        CompletableFuture<Hlc> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                sim.runFor(duration);
                done.complete(sim.finish(Duration.ofMinutes(2)));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "iso-feed");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static void awaitMatch(DataSource target, TestSchema db, ChangefeedSimulator sim) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!TargetVerifier.verify(target, db.name(), sim.model()).matches() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void assertMatches(DataSource target, TestSchema db, ChangefeedSimulator sim) throws SQLException {
        TargetVerifier.Report report = TargetVerifier.verify(target, db.name(), sim.model());
        assertThat(report.matches()).as(report.toString()).isTrue();
    }
}
