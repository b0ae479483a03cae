package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestSchema;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.TransferWorkload;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Consistency under a transfer workload: every source transaction moves money between two accounts
 * and its two rows usually travel in two POSTs from different "nodes". A reader polls the target the
 * whole time; the total must never change (and no account may be half-created).
 */
class TransferConsistencyIT {

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void theTargetNeverShowsATornTransfer(TestSchema.Kind kind) throws Exception {
        TransferWorkload workload = new TransferWorkload(40, 1_000);
        try (TestSchema db = kind.create("transfer")) {
            db.execute(kind == TestSchema.Kind.POSTGRESQL ? workload.postgresDdl(db.name()) : workload.mysqlDdl(db.name()));
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            AtomicLong violations = new AtomicLong();
            AtomicReference<String> firstViolation = new AtomicReference<>();
            try (Failback failback = Failback.builder().disableAuthentication().name("transfer-" + kind).target(db.dataSource())
                    .stagingSchema(db.stagingSchema()).createStagingSchema(true).flushSize(50).sink(sink).start()) {
                Thread reader = new Thread(() -> {
                    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                        while (reading.get()) {
                            try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(balance), 0) FROM "
                                    + db.name() + ".accounts")) {
                                rs.next();
                                long n = rs.getLong(1);
                                long total = rs.getLong(2);
                                reads.incrementAndGet();
                                if (!(n == 0 && total == 0) && !(n == 40 && total == workload.total())) {
                                    violations.incrementAndGet();
                                    firstViolation.compareAndSet(null, "rows=" + n + " total=" + total);
                                }
                            }
                        }
                    } catch (Exception e) {
                        firstViolation.compareAndSet(null, e.toString());
                        violations.incrementAndGet();
                    }
                }, "transfer-reader");
                reader.start();
                Hlc last;
                try (ChangefeedSimulator sim = ChangefeedSimulator.builder()
                        .url("http://127.0.0.1:" + sink.port() + db.path())
                        .nodes(3).maxBatch(8).seed(7).resolvedInterval(Duration.ofMillis(100))
                        .workload(workload).build()) {
                    sim.start();
                    sim.runTransactions(3_000);
                    last = sim.finish();
                    assertThat(failback.awaitApplied(last, Duration.ofSeconds(60))).isTrue();
                    TargetVerifier.Report report = TargetVerifier.verify(db.dataSource(), db.name(), sim.model());
                    assertThat(report.matches()).as(report.toString()).isTrue();
                    assertThat(sim.stats().resolvedSent()).isGreaterThan(5);
                } finally {
                    reading.set(false);
                    reader.join();
                }
                assertThat(failback.status().counters().windows()).isGreaterThan(5);
            }
            System.out.println("TransferConsistencyIT " + kind + ": " + reads.get() + " reads of the target, " + violations.get()
                    + " torn");
            assertThat(reads.get()).as("reads of the target").isGreaterThan(2_000);
            assertThat(violations.get()).as("torn reads: " + firstViolation.get()).isZero();
        }
    }
}
