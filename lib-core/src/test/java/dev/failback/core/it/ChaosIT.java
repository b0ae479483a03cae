package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mode;
import dev.failback.testing.TestSchema;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.OrderWorkload;
import dev.failback.testing.simulator.TargetVerifier;
import dev.failback.testing.simulator.TransferWorkload;
import dev.failback.testing.simulator.Workload;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chaos: the pipeline runs in a child JVM ({@link CrashChild}) that a harness kills with SIGKILL at
 * random (seeded) moments, many times per run, restarting it on the same port and staging, while a
 * {@link ChangefeedSimulator} with simulated changefeed restarts (abandoned POSTs, re-emission after
 * the last resolved, older versions in between) keeps sending one of two workloads: transfers
 * ({@link TransferWorkload}, one table) or orders with lines ({@link OrderWorkload}, a parent and a
 * child table with a foreign key). A concurrent reader checks an invariant in one statement at every
 * read: {@code count = N and sum = total} of the accounts, or no order whose {@code line_count} and
 * {@code total} disagree with its lines and no line without its order. In consistent mode every read
 * must hold (0 torn); in immediate mode torn reads are only counted (it applies batches, not source
 * transactions, and the order tables have no foreign key there, as a line may come before its order).
 * At the end the target equals the source model: 0 missing, 0 extra, 0 wrong.
 *
 * <p>System properties: {@code failback.chaos.seconds} (default 3) and {@code failback.chaos.kills}
 * (default 5) per target, mode and workload, {@code failback.chaos.seed} (default 1),
 * {@code failback.chaos.workload} ({@code transfer} or {@code orders}; default both). A soak:
 * {@code ./mvnw -pl lib-core -am verify -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dfailback.chaos.seconds=600 -Dfailback.chaos.kills=100}.
 */
class ChaosIT {
    private static final int ACCOUNTS = 200;
    private static final long BALANCE = 1_000;
    private static final int ORDERS_MAX = 100;

    private TestSchema db;
    private TestSchema.Kind kind;
    private Mode mode;
    private int port;
    private Process child;

    /** A workload with the DDL for a target and mode, and the reader's invariant check. */
    enum Load {
        TRANSFER {
            @Override
            Workload create() {
                return new TransferWorkload(ACCOUNTS, BALANCE);
            }

            @Override
            String ddl(Workload w, TestSchema db, TestSchema.Kind kind, Mode mode) {
                return kind == TestSchema.Kind.POSTGRESQL ? w.postgresDdl(db.name()) : w.mysqlDdl(db.name());
            }

            @Override
            String check(Statement s, TestSchema db) throws SQLException {
                try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(balance), 0) FROM "
                        + db.name() + "." + TransferWorkload.TABLE)) {
                    rs.next();
                    long n = rs.getLong(1);
                    long total = rs.getLong(2);
                    // Before the opening transaction nothing; after it, N accounts holding the total.
                    return (n == 0 && total == 0) || (n == ACCOUNTS && total == ACCOUNTS * BALANCE) ? null
                            : "rows=" + n + " total=" + total;
                }
            }
        },
        ORDERS {
            @Override
            Workload create() {
                return new OrderWorkload(ORDERS_MAX);
            }

            @Override
            String ddl(Workload w, TestSchema db, TestSchema.Kind kind, Mode mode) {
                // Immediate mode applies batches as they come, so a line may arrive before its order.
                boolean foreignKey = mode == Mode.CONSISTENT;
                OrderWorkload o = (OrderWorkload) w;
                return kind == TestSchema.Kind.POSTGRESQL ? o.postgresDdl(db.name(), foreignKey)
                        : o.mysqlDdl(db.name(), foreignKey);
            }

            @Override
            String check(Statement s, TestSchema db) throws SQLException {
                try (ResultSet rs = s.executeQuery(OrderWorkload.violationsQuery(db.name()))) {
                    rs.next();
                    long broken = rs.getLong(1);
                    return broken == 0 ? null : broken + " orders disagreeing with their lines or orphan lines";
                }
            }
        };

        abstract Workload create();

        abstract String ddl(Workload w, TestSchema db, TestSchema.Kind kind, Mode mode);

        /** Reads the invariant in one statement; null when it holds, else what was seen. */
        abstract String check(Statement s, TestSchema db) throws SQLException;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Stream<Arguments> targetsModesAndWorkloads() {
        String only = System.getProperty("failback.chaos.workload", "");
        return Arrays.stream(Load.values())
                .filter(l -> only.isEmpty() || l.toString().equals(only))
                .flatMap(l -> Arrays.stream(TestSchema.Kind.values())
                        .flatMap(k -> Arrays.stream(Mode.values()).map(m -> Arguments.of(k, m, l))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("targetsModesAndWorkloads")
    void killNineAndChangefeedRestartsLoseNothing(TestSchema.Kind kind, Mode mode, Load load) throws Exception {
        long seconds = Long.getLong("failback.chaos.seconds", 3);
        int targetKills = Integer.getInteger("failback.chaos.kills", 5);
        long seed = Long.getLong("failback.chaos.seed", 1) * 31 + kind.ordinal() * 7 + load.ordinal() * 2
                + mode.ordinal();
        this.kind = kind;
        this.mode = mode;
        Workload workload = load.create();
        db = kind.create("chaos");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicReference<String> firstTorn = new AtomicReference<>();
        Thread reader = null;
        try {
            for (String ddl : load.ddl(workload, db, kind, mode).split(";\n")) {
                db.execute(ddl);
            }
            port = freePort();
            spawn();
            reader = new Thread(() -> read(db, load, reading, reads, torn, firstTorn), "chaos-reader");
            reader.setDaemon(true);
            reader.start();

            Random random = new Random(seed);
            int kills = 0;
            ChangefeedSimulator.Stats stats;
            TargetVerifier.Report report;
            try (ChangefeedSimulator sim = ChangefeedSimulator.builder()
                    .url("http://127.0.0.1:" + port + db.path())
                    .nodes(3).maxBatch(32).seed(seed).resolvedInterval(Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(20)).requestTimeout(Duration.ofSeconds(5))
                    .restartProbability(0.04).transactionsPerSecond(200)
                    .workload(workload).build()) {
                sim.start();
                AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
                Thread generator = new Thread(() -> {
                    try {
                        sim.runFor(Duration.ofDays(1));
                    } catch (Throwable t) {
                        generatorFailure.set(t);
                    }
                }, "chaos-generator");
                generator.start();
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                while (kills < targetKills || System.nanoTime() < end) {
                    long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
                    long slot = remainingMs / Math.max(1, targetKills - kills);
                    Thread.sleep(200 + (long) (random.nextDouble() * slot));
                    kill();
                    kills++;
                    spawn();
                }
                long killed = System.nanoTime();
                sim.stop();
                generator.join();
                assertThat(generatorFailure.get()).isNull();
                sim.finish(Duration.ofMinutes(2));
                stats = sim.stats();
                long finished = System.nanoTime();
                report = awaitMatch(db, sim);
                System.out.printf("ChaosIT %s %s %s: kills took %d ms, finish %d ms, verify %d ms%n", kind, mode, load,
                        TimeUnit.NANOSECONDS.toMillis(killed - start), TimeUnit.NANOSECONDS.toMillis(finished - killed),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - finished));
            } finally {
                reading.set(false);
                reader.join(10_000);
            }
            long missing = report.tables().stream().mapToLong(TargetVerifier.TableReport::missing).sum();
            long extra = report.tables().stream().mapToLong(TargetVerifier.TableReport::extra).sum();
            long wrong = report.tables().stream().mapToLong(TargetVerifier.TableReport::wrong).sum();
            System.out.printf("ChaosIT %s %s %s: %d kills, %d changefeed restarts, %d transactions, %d mutations,"
                    + " %d re-queued, %d retries, %d reads, %d torn%s, %d missing / %d extra / %d wrong%n", kind, mode,
                    load, kills, stats.restarts(), stats.transactions(), stats.messages(), stats.reemitted(),
                    stats.retries(), reads.get(), torn.get(), mode == Mode.CONSISTENT ? "" : " (not asserted)",
                    missing, extra, wrong);
            assertThat(report.matches()).as(report.toString()).isTrue();
            assertThat(kills).isGreaterThanOrEqualTo(targetKills);
            assertThat(stats.transactions()).isGreaterThan(100);
            assertThat(reads.get()).isPositive();
            if (mode == Mode.CONSISTENT) {
                assertThat(torn.get()).as("torn reads: " + firstTorn.get()).isZero();
            }
        } finally {
            reading.set(false);
            if (child != null) {
                child.destroyForcibly().waitFor();
            }
            db.close();
        }
    }

    /** Checks the workload's invariant until told to stop, counting the reads that saw it broken. */
    static void read(TestSchema db, Load load, AtomicBoolean reading, AtomicLong reads, AtomicLong torn,
            AtomicReference<String> firstTorn) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            while (reading.get()) {
                String seen = load.check(s, db);
                reads.incrementAndGet();
                if (seen != null) {
                    torn.incrementAndGet();
                    firstTorn.compareAndSet(null, seen);
                }
            }
        } catch (Exception e) {
            firstTorn.compareAndSet(null, e.toString());
            torn.incrementAndGet();
        }
    }

    /** Verifies the target against the simulator's model until it matches, for up to 60 s. */
    static TargetVerifier.Report awaitMatch(TestSchema db, ChangefeedSimulator sim) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        TargetVerifier.Report report = TargetVerifier.verify(db.dataSource(), db.name(), sim.model());
        while (!report.matches() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            report = TargetVerifier.verify(db.dataSource(), db.name(), sim.model());
        }
        return report;
    }

    private void spawn() throws Exception {
        child = CrashChild.launch(kind, db.stagingSchema(), port, mode, 50, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    private void kill() throws InterruptedException {
        CrashChild.killNine(child);
        child = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
