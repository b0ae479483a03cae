package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Group commit: concurrent requests for one target schema share one transaction (immediate mode:
 * one target transaction; consistent mode: one staging transaction). A request that cannot be applied
 * does not take the others down with it, and retiring versions at a resolved timestamp never races
 * the recording of versions (it deadlocked on PostgreSQL).
 */
class GroupCommitIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private TestSchema db;
    private Failback failback;
    private Http http;
    private ExecutorService pool;

    private void start(TestSchema.Kind kind, Mode mode, String ddl) throws Exception {
        start(kind, mode, ddl, Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS);
    }

    private void start(TestSchema.Kind kind, Mode mode, String ddl, int versionGuardMemoryKeys) throws Exception {
        db = kind.create("groupcommit");
        db.execute(ddl);
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        failback = Failback.builder().disableAuthentication().name("groupcommit-" + kind + "-" + mode)
                .target(db.dataSource()).mode(mode).stagingSchema(db.stagingSchema()).createStagingSchema(true)
                .versionGuardMemoryKeys(versionGuardMemoryKeys).sink(sink).start();
        http = new Http("http://127.0.0.1:" + sink.port());
        pool = Executors.newFixedThreadPool(16);
    }

    @AfterEach
    void stop() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (failback != null) {
            failback.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void ok(String body) {
        Http.Answer a = http.post(db.path(), body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    /** Rows {@code [from, from + n)} of {@code kv}, all at one timestamp. */
    private static String rows(int from, int n, String v, long wall) {
        List<String> m = new ArrayList<>(n);
        for (int id = from; id < from + n; id++) {
            m.add(upsert("kv", id, v, hlc(wall)));
        }
        return batch(m);
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void retiringVersionsAtResolvedNeverLosesVersionsRecordedConcurrently(TestSchema.Kind kind) throws Exception {
        // no room in memory: every version goes through the staging store's versions table
        concurrentRounds(kind, 0);
        long last = T + ROUNDS * 1_000L;
        String staging = kind == TestSchema.Kind.POSTGRESQL ? "\"" + db.stagingSchema() + "\".versions"
                : "`" + db.stagingSchema() + "`.versions";
        String newest = kind == TestSchema.Kind.POSTGRESQL ? "wall = " + last + " AND logical = 0"
                : "ver = " + last + "0000000000";
        assertThat(db.one("SELECT count(*) FROM " + staging + " WHERE " + newest))
                .as("versions of the last round recorded for every key").isEqualTo(String.valueOf(SENDERS * KEYS));
        assertThat(db.one("SELECT count(*) FROM " + staging)).as("older versions retired")
                .isEqualTo(String.valueOf(SENDERS * KEYS));
        guardHolds(last);
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void versionsOfKeysChangedSinceTheLastResolvedStayInMemory(TestSchema.Kind kind) throws Exception {
        concurrentRounds(kind, Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS);
        String staging = kind == TestSchema.Kind.POSTGRESQL ? "\"" + db.stagingSchema() + "\".versions"
                : "`" + db.stagingSchema() + "`.versions";
        assertThat(db.one("SELECT count(*) FROM " + staging)).as("nothing written to the versions table").isEqualTo("0");
        guardHolds(T + ROUNDS * 1_000L);
    }

    private static final int SENDERS = 6;
    private static final int KEYS = 400;
    private static final int ROUNDS = 12;

    /** Rounds of concurrent batches, each round's keys newer, the round before resolved meanwhile. */
    private void concurrentRounds(TestSchema.Kind kind, int versionGuardMemoryKeys) throws Exception {
        start(kind, Mode.IMMEDIATE, "CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)",
                versionGuardMemoryKeys);
        for (int round = 1; round <= ROUNDS; round++) {
            long wall = T + round * 1_000L;
            int r = round;
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int from = s * KEYS;
                sent.add(pool.submit(() -> ok(rows(from, KEYS, "r" + r, wall))));
            }
            if (round > 1) {
                // every key's version of the round before is retired while this round's are recorded
                sent.add(pool.submit(() -> ok(resolved(hlc(wall - 1_000L)))));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    /** The guard holds for every key: an older re-emission (after the last resolved) changes nothing. */
    private void guardHolds(long last) throws Exception {
        for (int s = 0; s < SENDERS; s++) {
            ok(rows(s * KEYS, KEYS, "old", last - 500L));
        }
        assertThat(db.one("SELECT count(*) FROM $S.kv WHERE v = 'r" + ROUNDS + "'")).isEqualTo(String.valueOf(SENDERS * KEYS));
        assertThat(failback.status().counters().duplicates()).as("every older re-emission discarded")
                .isGreaterThanOrEqualTo(SENDERS * KEYS);
    }

    @Test
    void concurrentRequestsShareOneTargetTransactionAndABadOneFailsAlone() throws Exception {
        start(TestSchema.Kind.POSTGRESQL, Mode.IMMEDIATE,
                "CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL, CONSTRAINT kv_not_bad CHECK (v <> 'bad'))");
        // a row that holds its transaction for a while, so the next requests queue up behind it
        db.execute("CREATE FUNCTION $S.slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.v = 'slow' THEN PERFORM pg_sleep(1); END IF; RETURN NEW; END $$");
        db.execute("CREATE TRIGGER kv_slow BEFORE INSERT OR UPDATE ON $S.kv FOR EACH ROW EXECUTE FUNCTION $S.slow()");

        Future<?> slow = pool.submit(() -> ok(batch(upsert("kv", 0, "slow", hlc(T + 1)))));
        Thread.sleep(300);
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            int id = i;
            queued.add(pool.submit(() -> ok(rows(id * 100, 50, "good", T + 2))));
        }
        slow.get();
        for (Future<?> f : queued) {
            f.get();
        }
        long windows = failback.status().counters().windows();
        assertThat(windows).as("11 requests in at most 3 target transactions").isLessThanOrEqualTo(3);
        assertThat(db.one("SELECT count(*) FROM $S.kv WHERE v = 'good'")).isEqualTo("500");

        // again, with one bad request among the queued ones: it alone is refused
        pool.submit(() -> ok(batch(upsert("kv", 0, "slow", hlc(T + 3)))));
        Thread.sleep(300);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        AtomicInteger bad = new AtomicInteger();
        for (int i = 1; i <= 10; i++) {
            int id = i;
            answers.add(pool.submit(() -> http.post(db.path(), id == 5
                    ? batch(upsert("kv", 5_000, "fine", hlc(T + 4)), upsert("kv", 5_001, "bad", hlc(T + 4)))
                    : rows(id * 100, 50, "better", T + 4))));
        }
        for (Future<Http.Answer> f : answers) {
            Http.Answer a = f.get();
            if (a.status() != 200) {
                bad.incrementAndGet();
                assertThat(a.status()).as(a.body()).isEqualTo(503);
                assertThat(a.body()).contains("kv_not_bad");
            }
        }
        assertThat(bad.get()).as("only the request with the bad row is refused").isEqualTo(1);
        assertThat(db.one("SELECT count(*) FROM $S.kv WHERE v = 'better'")).isEqualTo("450");
        assertThat(db.one("SELECT count(*) FROM $S.kv WHERE id >= 5000")).as("the bad request applied nothing")
                .isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void consistentModeStagesConcurrentRequestsOnceEachAndAppliesThem(TestSchema.Kind kind) throws Exception {
        start(kind, Mode.CONSISTENT, "CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        List<Future<?>> sent = new ArrayList<>();
        for (int s = 0; s < 16; s++) {
            int from = s * 300;
            sent.add(pool.submit(() -> ok(rows(from, 300, "a", T + 1))));
            // the same rows again (an HTTP retry), concurrently: staged once
            sent.add(pool.submit(() -> ok(rows(from, 300, "a", T + 1))));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        assertThat(failback.status().counters().staged()).isEqualTo(16 * 300);
        assertThat(failback.status().counters().duplicates()).isEqualTo(16 * 300);
        ok(resolved(hlc(T + 1)));
        assertThat(failback.awaitApplied(new dev.failback.Hlc(T + 1, 0), java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(db.one("SELECT count(*) FROM $S.kv WHERE v = 'a'")).isEqualTo(String.valueOf(16 * 300));
    }
}
