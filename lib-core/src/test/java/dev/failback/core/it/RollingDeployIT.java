package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mode;
import dev.failback.core.it.ReplicaChild.Handle;
import dev.failback.core.it.ReplicaChild.LeaseEvent;
import dev.failback.testing.TestSchema;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rolling deploy in consistent mode: process A ({@link ReplicaChild}) runs under a transfer load;
 * process B of the same deployment starts on another port and the changefeed (a
 * {@link ChangefeedSimulator} behind a simulated load balancer) reaches both for at least 3 s; then A
 * gets SIGTERM and stops gracefully, releasing its lease. B must take the group over at once: the
 * lease TTL is 10 s, and the time from A's {@code LEASE LOST} to B's {@code LEASE ACQUIRED} must stay
 * under 3 s (a handover that waits for the TTL fails). A concurrent reader sees no torn transfer,
 * and the target equals the source model at the end.
 *
 * <p>Before B starts, the simulator's attempts on B's port are refused and retried on A, as a load
 * balancer whose health check has not yet passed would do.
 */
class RollingDeployIT {
    static final Duration TTL = Duration.ofSeconds(10);
    static final Duration RENEWAL = Duration.ofSeconds(1);
    static final long MAX_HANDOVER_MS = 3_000;
    private static final String[] JVM = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

    private TestSchema db;

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void gracefulStopHandsTheLeaseOverWithoutWaitingForTheTtl(TestSchema.Kind kind) throws Exception {
        ChaosIT.Load load = ChaosIT.Load.TRANSFER;
        Workload workload = load.create();
        db = kind.create("rolling");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicReference<String> firstTorn = new AtomicReference<>();
        Thread reader = null;
        Handle a = null;
        Handle b = null;
        try {
            for (String ddl : load.ddl(workload, db, kind, Mode.CONSISTENT).split(";\n")) {
                db.execute(ddl);
            }
            int[] ports = new int[2];
            ReplicasIT.freePorts(ports);
            long launched = System.nanoTime();
            a = ReplicaChild.launch(kind, db.stagingSchema(), ports[0], Mode.CONSISTENT, 50, "rolling-a", TTL, RENEWAL,
                    JVM);
            reader = new Thread(() -> ChaosIT.read(db, load, reading, reads, torn, firstTorn), "rolling-reader");
            reader.setDaemon(true);
            reader.start();
            ChangefeedSimulator.Stats stats;
            TargetVerifier.Report report;
            long handover;
            long fromSigterm;
            LeaseEvent lost;
            LeaseEvent acquired;
            try (ChangefeedSimulator sim = ChangefeedSimulator.builder()
                    .urls(List.of(URI.create("http://127.0.0.1:" + ports[0] + db.path()),
                            URI.create("http://127.0.0.1:" + ports[1] + db.path())))
                    .nodes(3).maxBatch(32).seed(17 + kind.ordinal()).resolvedInterval(Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(20)).requestTimeout(Duration.ofSeconds(2))
                    .transactionsPerSecond(150).workload(workload).build()) {
                sim.start();
                AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
                Thread generator = new Thread(() -> {
                    try {
                        sim.runFor(Duration.ofDays(1));
                    } catch (Throwable t) {
                        generatorFailure.set(t);
                    }
                }, "rolling-generator");
                generator.start();

                Optional<LeaseEvent> aHolds = a.awaitAcquired(launched, Duration.ofSeconds(20));
                assertThat(aHolds).as("A printed no LEASE ACQUIRED:\n" + a.output()).isPresent();
                Thread.sleep(1_500);

                b = ReplicaChild.launch(kind, db.stagingSchema(), ports[1], Mode.CONSISTENT, 50, "rolling-b", TTL,
                        RENEWAL, JVM);
                long overlap = System.nanoTime();
                Thread.sleep(3_000);
                assertThat(b.events()).as("B acquired while A held the lease:\n" + b.output())
                        .noneMatch(LeaseEvent::acquired);

                long sigterm = System.nanoTime();
                assertThat(a.terminate(Duration.ofSeconds(60))).as("A did not stop within 60 s of SIGTERM").isTrue();
                long stopped = System.nanoTime();
                Optional<LeaseEvent> aLost = a.awaitEvent(aHolds.get().nanos(), e -> !e.acquired(), Duration.ZERO);
                assertThat(aLost).as("A printed no LEASE LOST when stopping gracefully:\n" + a.output()).isPresent();
                Optional<LeaseEvent> bHolds = b.awaitAcquired(overlap, TTL.plusSeconds(10));
                assertThat(bHolds).as("B printed no LEASE ACQUIRED after A stopped:\n" + b.output()).isPresent();
                lost = aLost.get();
                acquired = bHolds.get();
                handover = ReplicasIT.ms(acquired.nanos() - lost.nanos());
                fromSigterm = ReplicasIT.ms(acquired.nanos() - sigterm);
                System.out.printf("RollingDeployIT %s: A (epoch %d) stopped %d ms after SIGTERM; released (%s) %d ms"
                        + " after SIGTERM; B acquired epoch %d %d ms after the release, %d ms after SIGTERM (TTL %d ms)%n",
                        kind, lost.epoch(), ReplicasIT.ms(stopped - sigterm), lost.reason(),
                        ReplicasIT.ms(lost.nanos() - sigterm), acquired.epoch(), handover, fromSigterm, TTL.toMillis());

                Thread.sleep(1_500); // B alone under load
                sim.stop();
                generator.join();
                assertThat(generatorFailure.get()).isNull();
                try {
                    sim.finish(Duration.ofMinutes(2));
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "\n---- B ----\n" + b.output(), e);
                }
                stats = sim.stats();
                report = ChaosIT.awaitMatch(db, sim);
            } finally {
                reading.set(false);
                reader.join(10_000);
            }
            long missing = report.tables().stream().mapToLong(TargetVerifier.TableReport::missing).sum();
            long extra = report.tables().stream().mapToLong(TargetVerifier.TableReport::extra).sum();
            long wrong = report.tables().stream().mapToLong(TargetVerifier.TableReport::wrong).sum();
            System.out.printf("RollingDeployIT %s: %d transactions, %d mutations, %d retries, %d reads, %d torn,"
                    + " %d missing / %d extra / %d wrong%n", kind, stats.transactions(), stats.messages(),
                    stats.retries(), reads.get(), torn.get(), missing, extra, wrong);
            assertThat(report.matches()).as(report.toString()).isTrue();
            assertThat(torn.get()).as("torn reads: " + firstTorn.get()).isZero();
            assertThat(reads.get()).isPositive();
            assertThat(stats.transactions()).isGreaterThan(100);
            assertThat(acquired.group()).isEqualTo(lost.group());
            assertThat(acquired.epoch()).as("B's epoch after A's").isGreaterThan(lost.epoch());
            assertThat(Math.max(0, handover)).as("ms from A's release to B's acquisition (TTL " + TTL + ")")
                    .isLessThan(MAX_HANDOVER_MS);
            assertThat(fromSigterm).as("ms from SIGTERM to B's acquisition").isLessThan(TTL.toMillis());
        } finally {
            reading.set(false);
            if (a != null) {
                a.destroy();
            }
            if (b != null) {
                b.destroy();
            }
            db.close();
        }
    }
}
