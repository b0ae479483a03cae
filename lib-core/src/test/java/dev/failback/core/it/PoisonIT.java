package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.testing.TestSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Poison rows: a mutation the target rejects permanently (here a CHECK constraint only the target
 * knows). By default the group stops before it, names it and retries with capped backoff until the
 * operator fixes the target; with dead letters on it is recorded in staging and skipped.
 */
class PoisonIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private static void ok(Failback f, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        WebhookResponse r = f.webhookHandler().handle(new WebhookRequest("POST", path, null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }

    /** Source transactions T+1 (ids 1, 2), T+2 (3 = poison, 4), T+3 (5), each resolved. */
    private static void feed(Failback f, TestSchema db) throws InterruptedException {
        ok(f, db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "a", hlc(T + 1))));
        ok(f, db.path(), resolved(hlc(T + 1)));
        assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
        ok(f, db.path(), batch(upsert("kv", 3, "bad", hlc(T + 2)), upsert("kv", 4, "b", hlc(T + 2))));
        ok(f, db.path(), batch(upsert("kv", 5, "c", hlc(T + 3)), upsert("kv", 1, "c", hlc(T + 3))));
        ok(f, db.path(), resolved(hlc(T + 3)));
    }

    private static TestSchema schema(TestSchema.Kind kind, String prefix) throws Exception {
        TestSchema db = kind.create(prefix);
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL, CONSTRAINT kv_not_bad CHECK (v <> 'bad'))");
        return db;
    }

    /** The SQLState of a CHECK violation. */
    private static String checkViolation(TestSchema.Kind kind) {
        return kind == TestSchema.Kind.POSTGRESQL ? "23514" : "23000";
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void stopPolicyNamesThePoisonRowRetriesBoundedAndResumesOnceTheTargetIsFixed(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = schema(kind, "poison_stop")) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            FailbackListener listener = new FailbackListener() {
                @Override
                public void onFailure(String group, Throwable error) {
                    failures.add(error);
                }
            };
            try (Failback f = Failback.builder().disableAuthentication().name("poison-stop-" + kind).target(db.dataSource())
                    .listener(listener).stagingSchema(db.stagingSchema()).createStagingSchema(true).start()) {
                feed(f, db);
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(2))).isFalse();
                int before = failures.size();
                Thread.sleep(6_000);
                int attempts = failures.size() - before;
                assertThat(attempts).as("attempts in 6 s: capped backoff, no hot loop").isBetween(1, 8);

                Status s = f.status();
                assertThat(s.lastResolvedApplied()).as("stops before the poison").isEqualTo(new Hlc(T + 1, 0));
                assertThat(s.lastError()).contains("poison row", "kv", "key [3]", checkViolation(kind), "kv_not_bad",
                        new Hlc(T + 2, 0).toString());
                assertThat(failures.get(failures.size() - 1).getMessage()).contains("key [3]", checkViolation(kind));
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("a");
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("2");

                db.execute("ALTER TABLE $S.kv DROP CONSTRAINT kv_not_bad");
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(60))).isTrue();
                assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(List.of("1", "c"),
                        List.of("2", "a"), List.of("3", "bad"), List.of("4", "b"), List.of("5", "c"));
                assertThat(f.status().lastError()).isNull();
                assertThat(f.status().counters().deadLettered()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void deadLetterPolicySkipsOnlyThePoisonRowAndRecordsIt(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = schema(kind, "poison_dl")) {
            try (Failback f = Failback.builder().disableAuthentication().name("poison-dl-" + kind).target(db.dataSource())
                    .deadLetter(true).stagingSchema(db.stagingSchema()).createStagingSchema(true).start()) {
                feed(f, db);
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(30))).isTrue();
                assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(List.of("1", "c"),
                        List.of("2", "a"), List.of("4", "b"), List.of("5", "c"));
                String key = kind == TestSchema.Kind.POSTGRESQL ? "key" : "`key`";
                String table = kind == TestSchema.Kind.POSTGRESQL ? db.stagingSchema() + ".dead_letters"
                        : "`" + db.stagingSchema() + "`.dead_letters";
                assertThat(db.query("SELECT tbl, " + key + ", wall, logical, after, reason FROM " + table)).singleElement().satisfies(row -> {
                            assertThat(row.get(0)).endsWith("kv");
                            assertThat(row.get(1)).isEqualTo("[3]");
                            assertThat(row.get(2)).isEqualTo(Long.toString(T + 2));
                            assertThat(row.get(3)).isEqualTo("0");
                            assertThat(row.get(4)).contains("bad");
                            assertThat(row.get(5)).contains(checkViolation(kind), "kv_not_bad");
                        });
                assertThat(f.status().counters().deadLettered()).isEqualTo(1);
                assertThat(f.status().lastError()).isNull();

                ok(f, db.path(), batch(upsert("kv", 6, "d", hlc(T + 4))));
                ok(f, db.path(), resolved(hlc(T + 4)));
                assertThat(f.awaitApplied(new Hlc(T + 4, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 6")).isEqualTo("d");
                assertThat(f.status().counters().deadLettered()).isEqualTo(1);
            }
        }
    }
}
