package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.WebhookRequest;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lease holder loses its staging connection (a network partition through a {@link TcpProxy}) while a
 * standby still reaches staging: the holder gives the lease up once its TTL has passed, the standby takes
 * the group over within 2 × TTL at a larger epoch and applies what arrives next; after the partition
 * heals, the old holder stays a standby and names the new holder. Staging is given separately, so the
 * fence lives in the target's {@code _failback} schema.
 */
class StagingPartitionIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final Duration TTL = Duration.ofMillis(1_500);
    private static final Duration RENEWAL = Duration.ofMillis(300);

    record Event(String instance, boolean acquired, long epoch, long nanos) {
    }

    @Test
    void aHolderCutOffFromStagingIsReplacedWithin2Ttl() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        FailbackListener listener = new FailbackListener() {
            @Override
            public void onLeaseAcquired(String group, String instance, long epoch) {
                events.add(new Event(instance, true, epoch, System.nanoTime()));
            }

            @Override
            public void onLeaseLost(String group, String instance, long epoch, String reason) {
                events.add(new Event(instance, false, epoch, System.nanoTime()));
            }
        };
        try (PostgresSchema db = PostgresSchema.create("partition"); TcpProxy proxy = OutageIT.upstreamProxy();
                HikariDataSource stagingA = OutageIT.pool("staging-a", proxy); HikariDataSource stagingB = direct()) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String schema = db.name() + "_staging"; // dropped with db
            try (Failback a = start("a", db, stagingA, schema, listener)) {
                assertThat(post(a, db, batch(upsert("kv", 1, "a1", hlc(T + 1))))).isEqualTo(200);
                assertThat(post(a, db, resolved(hlc(T + 1)))).isEqualTo(200);
                assertThat(a.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                try (Failback b = start("b", db, stagingB, schema, listener)) {
                    assertThat(post(b, db, resolved(hlc(T + 1)))).as("a repeat: B learns the group").isEqualTo(200);
                    awaitStatus(b, g -> "a".equals(g.holder()) && !g.held());
                    Status.SchemaStatus aSees = a.status().schemas().values().iterator().next();
                    assertThat(aSees.held()).as("A holds the group").isTrue();
                    long epochA = aSees.epoch();

                    long cut = System.nanoTime();
                    proxy.cut();
                    Event taken = awaitEvent(events, "b", true, cut, TTL.multipliedBy(2).plusSeconds(2));
                    long failoverMs = TimeUnit.NANOSECONDS.toMillis(taken.nanos() - cut);
                    System.out.printf("StagingPartitionIT: B acquired epoch %d %d ms after A lost staging (TTL %d ms)%n",
                            taken.epoch(), failoverMs, TTL.toMillis());
                    assertThat(failoverMs).as("failover within 2 x TTL").isLessThanOrEqualTo(TTL.toMillis() * 2);
                    assertThat(taken.epoch()).isGreaterThan(epochA);
                    Event lost = awaitEvent(events, "a", false, cut, TTL.multipliedBy(2));
                    assertThat(lost.epoch()).isEqualTo(epochA);

                    // B applies what comes next; A, cut off, answers 503 for anything it would stage
                    assertThat(post(b, db, batch(upsert("kv", 1, "b2", hlc(T + 2)), upsert("kv", 2, "b2", hlc(T + 2)))))
                            .isEqualTo(200);
                    assertThat(post(b, db, resolved(hlc(T + 2)))).isEqualTo(200);
                    assertThat(b.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                    assertThat(db.one("SELECT string_agg(v, ',' ORDER BY id) FROM $S.kv")).isEqualTo("b2,b2");

                    proxy.restore();
                    awaitStatus(a, g -> "b".equals(g.holder()) && !g.held());
                    assertThat(events.stream().filter(e -> e.instance().equals("a") && e.acquired()
                            && e.nanos() - cut > 0)).as("A never took the group back").isEmpty();
                }
            }
        }
    }

    private static Failback start(String instance, PostgresSchema db, HikariDataSource staging, String schema,
            FailbackListener listener) {
        return Failback.builder().disableAuthentication().name("partition").instanceId(instance).target(db.dataSource())
                .staging(staging).stagingSchema(schema).createStagingSchema(true).leaseTtl(TTL).leaseRenewal(RENEWAL)
                .listener(listener).start();
    }

    private static HikariDataSource direct() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("partition-staging-b");
        return new HikariDataSource(cfg);
    }

    private static int post(Failback f, PostgresSchema db, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return f.webhookHandler().handle(new WebhookRequest("POST", db.path(), null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length)).status();
    }

    private static Event awaitEvent(List<Event> events, String instance, boolean acquired, long after, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (Event e : events) {
                if (e.instance().equals(instance) && e.acquired() == acquired && e.nanos() - after > 0) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + (acquired ? "acquisition" : "loss") + " by " + instance + " within " + within
                + ": " + events);
    }

    private static void awaitStatus(Failback f, java.util.function.Predicate<Status.SchemaStatus> p)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Status.SchemaStatus g : f.status().schemas().values()) {
                if (p.test(g)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("status never matched: " + f.status().schemas());
    }
}
