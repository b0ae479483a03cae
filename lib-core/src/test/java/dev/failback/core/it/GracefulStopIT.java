package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Failback#close()} while requests are in flight, held there by a staging data source whose
 * {@code getConnection} is slow (a real database behind it; the first request waits in it, the others
 * queue behind it to be staged together). Requests in flight are answered 200 or
 * 503, never 4xx and never a reset; new connections are refused; close returns within the shutdown
 * timeout; a restart on the same staging applies every batch that was acknowledged.
 */
class GracefulStopIT {
    private static final long T = 1_760_000_000_000_000_000L;
    private static final int SENDERS = 8;
    private static final int ROWS = 5;

    @Test
    void requestsInFlightFinishAndNewConnectionsAreRefused() throws Exception {
        Result r = closeWhileInFlight(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(8), true);
        assertThat(r.closeMillis).as("close waited for the requests in flight").isBetween(1_000L, 10_000L);
        assertThat(r.statuses).as("every request in flight was staged").containsOnly(200);
    }

    @Test
    void closeIsBoundedByTheShutdownTimeoutWhenRequestsOutlastIt() throws Exception {
        Result r = closeWhileInFlight(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30), false);
        assertThat(r.closeMillis).as("close returned within the shutdown timeout").isLessThan(3_000L);
    }

    private record Result(long closeMillis, List<Integer> statuses) {
    }

    /**
     * Holds {@value #SENDERS} requests in staging for {@code delay}, closes, checks the answers and
     * the refusals, then restarts on the same staging and checks that every acknowledged row applies.
     *
     * @param releaseOnClose whether staging stops being slow once close has begun: the request in staging
     *                       still finishes its wait, but the background threads' own staging connections
     *                       (sequencer polls, lease renewal and release) no longer add 2-s waits to the close,
     *                       which otherwise made it take 7-8 s of a 10-s bound
     */
    private static Result closeWhileInFlight(Duration delay, Duration shutdownTimeout, Duration jettyStopTimeout,
            boolean releaseOnClose) throws Exception {
        try (PostgresSchema db = PostgresSchema.create("graceful"); HikariDataSource stagingPool = pool(db.name())) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            SlowDataSource staging = new SlowDataSource(stagingPool);
            JettySink sink = JettySink.builder().host("127.0.0.1").port(0).stopTimeout(jettyStopTimeout).build();
            Failback failback = start(db, staging, sink, shutdownTimeout);
            String base = "http://127.0.0.1:" + sink.port();
            Http http = new Http(base);
            assertThat(http.post(db.path(), batch(upsert("kv", 0, "warm", hlc(T)))).status()).isEqualTo(200);

            staging.delay(delay.toMillis());
            AtomicReferenceArray<Object> answers = new AtomicReferenceArray<>(SENDERS);
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                int sender = i;
                Thread t = new Thread(() -> {
                    List<String> msgs = new ArrayList<>();
                    for (int k = 0; k < ROWS; k++) {
                        msgs.add(upsert("kv", id(sender, k), "s" + sender, hlc(T + 1 + sender)));
                    }
                    try {
                        answers.set(sender, new Http(base).post(db.path(), batch(msgs)).status());
                    } catch (RuntimeException e) {
                        answers.set(sender, e);
                    }
                }, "graceful-sender-" + i);
                t.start();
                senders.add(t);
            }
            long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // staging is group-committed: one request (the leader) waits in staging, the others queue behind it
            while (staging.waiting() < 1 || failback.status().counters().requests() < 1 + SENDERS) {
                assertThat(System.nanoTime()).as("requests reaching staging").isLessThan(waitUntil);
                Thread.sleep(5);
            }
            Thread.sleep(100); // past reading and checking their bodies

            long[] closeNanos = new long[1];
            Thread closer = new Thread(() -> {
                long t0 = System.nanoTime();
                failback.close();
                closeNanos[0] = System.nanoTime() - t0;
            }, "graceful-closer");
            closer.start();
            if (releaseOnClose) {
                staging.delay(0);
            }
            Thread.sleep(300);
            assertRefusedOr503(base, db.path());
            closer.join(shutdownTimeout.toMillis() + 5_000);
            assertThat(closer.isAlive()).as("close returned").isFalse();
            for (Thread t : senders) {
                t.join(30_000);
            }
            List<Integer> statuses = new ArrayList<>();
            Set<Long> acknowledged = new TreeSet<>(Set.of(0L));
            for (int i = 0; i < SENDERS; i++) {
                Object a = answers.get(i);
                assertThat(a).as("answer to sender " + i + " (never a reset)").isInstanceOf(Integer.class);
                int status = (Integer) a;
                assertThat(status).as("status of sender " + i).isIn(200, 503);
                statuses.add(status);
                if (status == 200) {
                    for (int k = 0; k < ROWS; k++) {
                        acknowledged.add(id(i, k));
                    }
                }
            }
            long closeMillis = closeNanos[0] / 1_000_000;
            assertThatThrownBy(() -> new Http(base).post(db.path(), batch(upsert("kv", 999, "late", hlc(T + 99)))))
                    .as("a connection after close").isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(ConnectException.class);
            System.out.printf("GracefulStopIT: requests held %d ms in staging, shutdownTimeout %s: close took %d ms;"
                    + " in-flight answers %s%n", delay.toMillis(), shutdownTimeout, closeMillis, statuses);

            staging.delay(0);
            JettySink again = JettySink.bind("127.0.0.1", 0);
            try (Failback restarted = start(db, staging, again, shutdownTimeout)) {
                Http http2 = new Http("http://127.0.0.1:" + again.port());
                Hlc end = Hlc.parse(hlc(T + 100));
                assertThat(http2.post(db.path(), resolved(hlc(T + 100))).status()).isEqualTo(200);
                assertThat(restarted.awaitApplied(end, Duration.ofSeconds(30))).isTrue();
                Set<Long> applied = new TreeSet<>();
                for (List<String> row : db.query("SELECT id FROM $S.kv")) {
                    applied.add(Long.parseLong(row.get(0)));
                }
                assertThat(applied).as("applied after the restart").containsAll(acknowledged);
                assertThat(applied).as("nothing answered 503 was staged").isEqualTo(acknowledged);
            }
            return new Result(closeMillis, statuses);
        }
    }

    private static void assertRefusedOr503(String base, String path) {
        try {
            int status = new Http(base).post(path, batch(upsert("kv", 998, "during", hlc(T + 98)))).status();
            assertThat(status).as("a request while stopping").isEqualTo(503);
        } catch (UncheckedIOException e) {
            assertThat(e).as("a connection while stopping").hasCauseInstanceOf(ConnectException.class);
        }
    }

    private static long id(int sender, int k) {
        return 100L * (sender + 1) + k;
    }

    private static Failback start(PostgresSchema db, DataSource staging, JettySink sink, Duration shutdownTimeout) {
        return Failback.builder().disableAuthentication().name("graceful").target(db.dataSource()).staging(staging)
                .stagingSchema(db.name() + "_staging").createStagingSchema(true).shutdownTimeout(shutdownTimeout)
                .sink(sink).start();
    }

    private static HikariDataSource pool(String name) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(SENDERS + 4);
        cfg.setPoolName("graceful-staging-" + name);
        return new HikariDataSource(cfg);
    }
}
