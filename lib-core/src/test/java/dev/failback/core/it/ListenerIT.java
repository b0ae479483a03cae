package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.testing.PostgresSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every listener callback is called, in both modes, and a throwing listener changes nothing. Also the retire offset. */
class ListenerIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final long HOUR = 3_600_000_000_000L;

    /** Records every call as a string, then throws, to prove listeners are guarded. */
    static final class Recorder implements FailbackListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onStateChange(State from, State to) {
            calls.add("state " + from + "->" + to);
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onResolved(String group, Hlc resolved) {
            calls.add("resolved " + resolved);
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
            calls.add("applied " + upTo + " " + upserts + "/" + deletes);
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onFailure(String group, Throwable error) {
            calls.add("failure " + group + " " + error.getClass().getSimpleName());
            throw new IllegalStateException("listener bug");
        }
    }

    private static WebhookResponse post(Failback f, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return f.webhookHandler().handle(new WebhookRequest("POST", path, null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
    }

    private static void ok(Failback f, String path, String body) {
        WebhookResponse r = post(f, path, body);
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }

    @Test
    void consistentModeReportsStatesResolvedWindowsAndStagingFailures() throws Exception {
        Recorder rec = new Recorder();
        try (PostgresSchema db = PostgresSchema.create("lsnc")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String group = db.database() + "." + db.name();
            Failback f = Failback.builder().disableAuthentication().name("lsnc").target(db.dataSource()).listener(rec)
                    .stagingSchema(db.name() + "_staging").createStagingSchema(true).start();
            ok(f, db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "b", hlc(T + 1))));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("2");
            db.execute("DROP SCHEMA " + db.name() + "_staging CASCADE"); // staging breaks under the pipeline
            assertThat(post(f, db.path(), batch(upsert("kv", 3, "c", hlc(T + 2)))).status()).isEqualTo(503);
            f.close();
            assertThat(f.state()).isEqualTo(State.STOPPED);
            assertThat(rec.calls).containsSubsequence("state NEW->STARTING", "state STARTING->RUNNING",
                    "resolved " + new Hlc(T + 1, 0), "applied " + new Hlc(T + 1, 0) + " 2/0",
                    "failure " + group + " StagingException", "state RUNNING->STOPPING", "state STOPPING->STOPPED");
        }
    }

    @Test
    void immediateModeReportsEachAppliedBatchAndApplyFailures() throws Exception {
        Recorder rec = new Recorder();
        try (PostgresSchema db = PostgresSchema.create("lsni")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL CHECK (v <> 'bad'))");
            String group = db.database() + "." + db.name();
            try (Failback f = Failback.builder().disableAuthentication().name("lsni").target(db.dataSource()).listener(rec)
                    .mode(Mode.IMMEDIATE).stagingSchema(db.name() + "_staging").createStagingSchema(true).start()) {
                ok(f, db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "b", hlc(T + 2))));
                assertThat(post(f, db.path(), batch(upsert("kv", 3, "bad", hlc(T + 3)))).status()).isEqualTo(503);
                ok(f, db.path(), resolved(hlc(T + 2)));
            }
            assertThat(rec.calls).containsSubsequence("state STARTING->RUNNING",
                    "applied " + new Hlc(T + 2, 0) + " 2/0", "failure " + group + " ApplyException",
                    "resolved " + new Hlc(T + 2, 0), "applied " + new Hlc(T + 2, 0) + " 0/0", "state STOPPING->STOPPED");
        }
    }

    @Test
    void aFailedStartIsReported() throws Exception {
        Recorder rec = new Recorder();
        try (PostgresSchema db = PostgresSchema.create("lsnf")) {
            Throwable t = catchThrowable(() -> Failback.builder().disableAuthentication().name("lsnf")
                    .target(db.dataSource()).listener(rec).stagingSchema(db.name() + "_missing").start());
            assertThat(t).hasMessageContaining("staging");
            assertThat(rec.calls).containsExactly("state NEW->STARTING", "state STARTING->FAILED");
        }
    }

    @Test
    void retireOffsetKeepsAppliedRowsWithoutApplyingThemAgain() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("retire")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String staged = "SELECT count(*) FROM " + db.name() + "_staging.mutations";
            Failback.Builder b = Failback.builder().disableAuthentication().name("retire").target(db.dataSource())
                    .retireOffset(Duration.ofHours(1)).stagingSchema(db.name() + "_staging").createStagingSchema(true);
            try (Failback f = b.start()) {
                ok(f, db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "a", hlc(T + 2))));
                ok(f, db.path(), resolved(hlc(T + 2)));
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one(staged)).as("applied rows younger than the offset are kept").isEqualTo("2");
                assertThat(f.status().stagedBacklog()).isZero();
            }
            db.execute("UPDATE $S.kv SET v = 'changed on the target'");
            try (Failback f = b.start()) { // restart: the kept rows are behind the applied checkpoint
                assertThat(f.status().stagedBacklog()).isZero();
                ok(f, db.path(), batch(upsert("kv", 3, "c", hlc(T + 3))));
                ok(f, db.path(), resolved(hlc(T + 3)));
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT string_agg(v, ',' ORDER BY id) FROM $S.kv"))
                        .isEqualTo("changed on the target,changed on the target,c");
                assertThat(db.one(staged)).isEqualTo("3");
                ok(f, db.path(), batch(upsert("kv", 4, "d", hlc(T + 2 * HOUR))));
                ok(f, db.path(), resolved(hlc(T + 2 * HOUR)));
                assertThat(f.awaitApplied(new Hlc(T + 2 * HOUR, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one(staged)).as("rows older than applied minus the offset are retired").isEqualTo("1");
                assertThat(db.one("SELECT string_agg(v, ',' ORDER BY id) FROM $S.kv"))
                        .isEqualTo("changed on the target,changed on the target,c,d");
            }
        }
    }
}
