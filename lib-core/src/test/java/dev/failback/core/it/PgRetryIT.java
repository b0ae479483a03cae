package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.FailbackMetricNames;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Transient PostgreSQL errors are retried in place and the window still applies exactly once: a
 * serialization failure (40001) raised by the server from a trigger and a genuine one under
 * REPEATABLE READ, a genuine deadlock (40P01), a statement timeout (57014) and a lock timeout (55P03).
 * Each case checks the target rows, that one target transaction committed, the retry counter in the
 * status and in the {@code failback.apply.retries} metric, and that the status showed the SQLState
 * while the window was being retried.
 */
class PgRetryIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final Hlc WINDOW = new Hlc(T + 1, 0);

    private static void ok(Failback f, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        WebhookResponse r = f.webhookHandler().handle(new WebhookRequest("POST", path, null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }

    /** A pipeline on {@code target}, staging through the test schema's own pool, with a metrics registry. */
    private static Failback start(PostgresSchema db, DataSource target, SimpleMeterRegistry registry) {
        Failback.Builder b = Failback.builder().disableAuthentication().name(db.name()).target(target);
        if (target != db.dataSource()) {
            b.staging(db.dataSource());
        }
        return b.stagingSchema(db.stagingSchema()).createStagingSchema(true).meterRegistry(registry).start();
    }

    /** A pool on the test database whose sessions start with {@code initSql} (may be null). */
    private static HikariDataSource pool(String name, String initSql, String isolation) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("pgretry-" + name);
        if (initSql != null) {
            cfg.setConnectionInitSql(initSql);
        }
        if (isolation != null) {
            cfg.setTransactionIsolation(isolation);
        }
        return new HikariDataSource(cfg);
    }

    /** Whether a backend other than the test's waits for a row lock in an upsert into {@code schema}. */
    private static boolean pipelineWaitsForALock(Connection observer, String schema) throws SQLException {
        try (PreparedStatement ps = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%' AND position(? IN query) > 0")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static boolean lastErrorShows(Failback f, String sqlState) {
        String e = f.status().lastError();
        return e != null && e.contains("retrying a window") && e.contains("SQLState " + sqlState);
    }

    private static double retryMetric(SimpleMeterRegistry registry) {
        return registry.get(FailbackMetricNames.APPLY_RETRIES).counter().count();
    }

    /** The checks every case ends with: rows, one commit, retries counted twice alike, no error left. */
    private static long assertAppliedOnceAfterRetries(Failback f, PostgresSchema db, SimpleMeterRegistry registry,
            List<List<String>> expected) throws Exception {
        assertThat(f.awaitApplied(WINDOW, Duration.ofSeconds(30))).as("the window applied").isTrue();
        assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).isEqualTo(expected);
        Status.Counters c = f.status().counters();
        assertThat(c.windows()).as("target transactions committed").isEqualTo(1);
        assertThat(c.upserts()).as("rows upserted").isEqualTo(expected.size());
        assertThat(c.retries()).as("the failure was retried in place").isGreaterThanOrEqualTo(1);
        assertThat(retryMetric(registry)).as(FailbackMetricNames.APPLY_RETRIES).isEqualTo((double) c.retries());
        assertThat(f.status().lastError()).isNull();
        return c.retries();
    }

    private static List<List<String>> rows(int n, String v) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> List.of(Integer.toString(i), v)).toList();
    }

    private static String window(int n) {
        String[] messages = new String[n];
        for (int i = 0; i < n; i++) {
            messages[i] = upsert("kv", i + 1, "failback", hlc(T + 1));
        }
        return batch(messages);
    }

    /** Attempts the trigger refused: the sequence's calls, which rollbacks do not undo. */
    private static long refused(PostgresSchema db) throws SQLException {
        return Long.parseLong(db.one("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM $S.refused"));
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * A trigger raises 40001 from the server while a control row says so; the test sees the SQLState in
     * the status, then clears the flag from its own connection (an update inside the failing
     * transaction would roll back with it) once three attempts were refused. A sequence, which rollback
     * does not undo, counts the refused attempts.
     */
    @Test
    void aSerializationFailureRaisedByTheServerIsRetried() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("pgretry_ser")) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("CREATE TABLE $S.ctl (failing BOOLEAN NOT NULL)");
            db.execute("INSERT INTO $S.ctl VALUES (true)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old')");
            db.execute("CREATE SEQUENCE $S.refused");
            db.execute("CREATE FUNCTION $S.refuse() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
                    + " IF (SELECT failing FROM $S.ctl) THEN PERFORM nextval('$S.refused');"
                    + " RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; END IF;"
                    + " RETURN NEW; END $f$");
            db.execute("CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON $S.kv"
                    + " FOR EACH ROW EXECUTE FUNCTION $S.refuse()");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Failback f = start(db, db.dataSource(), registry)) {
                ok(f, db.path(), window(3));
                long start = System.nanoTime();
                ok(f, db.path(), resolved(hlc(T + 1)));
                await("three attempts were refused and the status shows the serialization failure",
                        () -> lastErrorShows(f, "40001")
                                && refused(db) >= 3);
                assertThat(f.status().lastError()).contains("injected serialization failure");
                db.execute("UPDATE $S.ctl SET failing = false");
                long retries = assertAppliedOnceAfterRetries(f, db, registry, rows(3, "failback"));
                long refusedAttempts = refused(db);
                // Every refused attempt is retried in place, but for each 8th, which goes back to the sequencer.
                assertThat(retries).isEqualTo(refusedAttempts - refusedAttempts / 8);
                System.out.printf("PgRetryIT serialization failure (trigger, 40001): refused attempts=%d, retries=%d,"
                        + " applied rows=%d, elapsed=%d ms%n", refusedAttempts, retries,
                        f.status().counters().upserts(), elapsedMillis(start));
            }
        }
    }

    /**
     * A genuine 40001 under REPEATABLE READ: Failback's transaction waits for row 2, which another
     * transaction updates and commits after Failback's snapshot ("could not serialize access due to
     * concurrent update"). The retry takes a new snapshot and waits for row 3, locked by a third
     * transaction that only locks it, which lets the test read the status before it rolls back.
     */
    @Test
    void aGenuineSerializationFailureUnderRepeatableReadIsRetried() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("pgretry_rr");
                HikariDataSource repeatableRead = pool("rr", null, "TRANSACTION_REPEATABLE_READ")) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old'), (2, 'old'), (3, 'old')");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Failback f = start(db, repeatableRead, registry);
                    Connection writer = TestDatabases.postgres();
                    Connection locker = TestDatabases.postgres();
                    Connection observer = TestDatabases.postgres();
                    Statement w = writer.createStatement();
                    Statement l = locker.createStatement()) {
                ok(f, db.path(), window(3));
                writer.setAutoCommit(false);
                locker.setAutoCommit(false);
                w.execute("UPDATE " + db.name() + ".kv SET v = 'writer' WHERE id = 2");
                l.execute("SELECT id FROM " + db.name() + ".kv WHERE id = 3 FOR UPDATE");
                long start = System.nanoTime();
                ok(f, db.path(), resolved(hlc(T + 1)));
                await("Failback waits for row 2", () -> pipelineWaitsForALock(observer, db.name()));
                writer.commit(); // row 2 changed after Failback's snapshot: 40001 for Failback
                await("the retry waits for row 3 and the status shows the serialization failure",
                        () -> lastErrorShows(f, "40001") && pipelineWaitsForALock(observer, db.name()));
                assertThat(f.status().lastError()).contains("could not serialize access");
                locker.rollback();
                long retries = assertAppliedOnceAfterRetries(f, db, registry, rows(3, "failback"));
                System.out.printf("PgRetryIT serialization failure (REPEATABLE READ, 40001): retries=%d,"
                        + " applied rows=%d, elapsed=%d ms%n", retries, f.status().counters().upserts(),
                        elapsedMillis(start));
            }
        }
    }

    /**
     * A genuine deadlock: another transaction holds row 2, Failback's upsert locks row 1 and waits for
     * row 2, and the other transaction then asks for row 1. PostgreSQL's detector runs in the backend
     * whose {@code deadlock_timeout} expires once the cycle exists and aborts that backend: Failback's
     * (default 1 s) rather than the test's (10 s). Whichever were chosen, the window must apply over
     * the other transaction's values, which commit first.
     */
    @Test
    void aRealDeadlockIsRetriedAndTheWindowApplies() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("pgretry_deadlock")) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old'), (2, 'old')");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Failback f = start(db, db.dataSource(), registry);
                    Connection other = TestDatabases.postgres();
                    Connection observer = TestDatabases.postgres();
                    Statement s = other.createStatement()) {
                ok(f, db.path(), window(2));
                s.execute("SET deadlock_timeout = '10s'");
                other.setAutoCommit(false);
                s.execute("UPDATE " + db.name() + ".kv SET v = 'other' WHERE id = 2");
                long start = System.nanoTime();
                ok(f, db.path(), resolved(hlc(T + 1)));
                await("Failback holds row 1 and waits for row 2", () -> pipelineWaitsForALock(observer, db.name()));
                boolean testWasVictim = false;
                try {
                    s.execute("UPDATE " + db.name() + ".kv SET v = 'other' WHERE id = 1"); // closes the cycle
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("40P01");
                    testWasVictim = true;
                    other.rollback();
                }
                if (!testWasVictim) {
                    // Failback's retry now waits for row 1, which the test holds: the status shows the deadlock.
                    await("the status shows the deadlock",
                            () -> lastErrorShows(f, "40P01") && pipelineWaitsForALock(observer, db.name()));
                    assertThat(f.status().lastError()).contains("deadlock detected");
                    other.commit();
                }
                assertThat(testWasVictim).as("PostgreSQL aborted the test's transaction, not Failback's").isFalse();
                long retries = assertAppliedOnceAfterRetries(f, db, registry, rows(2, "failback"));
                System.out.printf("PgRetryIT deadlock (40P01): retries=%d, applied rows=%d, elapsed=%d ms%n", retries,
                        f.status().counters().upserts(), elapsedMillis(start));
            }
        }
    }

    /**
     * The target pool's sessions have a 300 ms {@code statement_timeout} and another transaction holds
     * a row for 2 s: Failback's upsert is canceled (57014) again and again, retried in place with a
     * growing pause, and applies once the row is released.
     */
    @Test
    void aStatementTimeoutIsRetriedUntilTheLockIsReleased() throws Exception {
        timeoutCase("statement timeout", "SET statement_timeout = 300", "57014",
                "canceling statement due to statement timeout");
    }

    /** Like the statement timeout, with {@code lock_timeout} (55P03). */
    @Test
    void aLockTimeoutIsRetriedUntilTheLockIsReleased() throws Exception {
        timeoutCase("lock timeout", "SET lock_timeout = 200", "55P03", "canceling statement due to lock timeout");
    }

    private static void timeoutCase(String label, String initSql, String sqlState, String message) throws Exception {
        try (PostgresSchema db = PostgresSchema.create("pgretry_timeout");
                HikariDataSource impatient = pool("timeout", initSql, null)) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old')");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Failback f = start(db, impatient, registry);
                    Connection other = TestDatabases.postgres();
                    Statement s = other.createStatement()) {
                ok(f, db.path(), window(2));
                other.setAutoCommit(false);
                s.execute("UPDATE " + db.name() + ".kv SET v = 'other' WHERE id = 1");
                long start = System.nanoTime();
                ok(f, db.path(), resolved(hlc(T + 1)));
                String seen = null;
                // held until the status shows the SQLState and three retries (counted, not a fixed 2 s, which a
                // slow machine could fill with fewer attempts), at least 2 s, at most 20 s
                while (elapsedMillis(start) < 2_000
                        || (seen == null || f.status().counters().retries() < 3) && elapsedMillis(start) < 20_000) {
                    if (lastErrorShows(f, sqlState)) {
                        seen = f.status().lastError();
                    }
                    Thread.sleep(10);
                }
                assertThat(seen).as("the status showed SQLState %s while the row was held", sqlState).isNotNull()
                        .contains(message);
                assertThat(f.status().counters().windows()).as("nothing committed while the row was held")
                        .isZero();
                long retriesWhileHeld = f.status().counters().retries();
                assertThat(retriesWhileHeld).as("retried repeatedly while the row was held").isGreaterThanOrEqualTo(3);
                other.commit();
                long retries = assertAppliedOnceAfterRetries(f, db, registry, rows(2, "failback"));
                System.out.printf("PgRetryIT %s (%s): retries=%d (%d while the row was held), applied rows=%d,"
                        + " elapsed=%d ms%n", label, sqlState, retries, retriesWhileHeld,
                        f.status().counters().upserts(), elapsedMillis(start));
            }
        }
    }
}
