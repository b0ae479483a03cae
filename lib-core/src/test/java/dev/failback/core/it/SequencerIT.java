package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Windows, paging, restart on the same staging, and several pipelines in one JVM. */
class SequencerIT {
    private static final long T = 1_759_246_900_000_000_000L;

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
    void windowsEndOnlyBetweenSourceTransactionsAndPageThroughStaging() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("windows")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            List<int[]> windows = new CopyOnWriteArrayList<>();
            FailbackListener listener = new FailbackListener() {
                @Override
                public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
                    if (upserts + deletes > 0) {
                        windows.add(new int[] {upserts, deletes});
                    }
                }
            };
            try (Failback f = Failback.builder().disableAuthentication().name("windows").target(db.dataSource()).listener(listener)
                    .stagingSchema(db.name() + "_staging").createStagingSchema(true).flushSize(15).scanSize(7).start()) {
                long id = 0;
                for (int tx = 0; tx < 30; tx++) { // 30 source transactions of 10 rows, split over two POSTs
                    List<String> a = new ArrayList<>();
                    List<String> b = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        (i % 2 == 0 ? a : b).add(upsert("kv", ++id, "v" + tx, hlc(T + tx)));
                    }
                    ok(f, db.path(), batch(a));
                    ok(f, db.path(), batch(b));
                }
                List<String> big = new ArrayList<>();
                for (int i = 0; i < 40; i++) { // one source transaction larger than flushSize
                    big.add(upsert("kv", ++id, "big", hlc(T + 100)));
                }
                ok(f, db.path(), batch(big));
                assertThat(f.status().stagedBacklog()).isEqualTo(340);
                ok(f, db.path(), resolved(hlc(T + 100)));
                assertThat(f.awaitApplied(new Hlc(T + 100, 0), Duration.ofSeconds(30))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("340");
                assertThat(f.status().stagedBacklog()).isZero();
            }
            assertThat(windows).hasSizeGreaterThan(10);
            for (int[] w : windows) {
                assertThat(w[0] % 10).as("window of " + w[0] + " rows ends inside a source transaction").isZero();
            }
            assertThat(windows.get(windows.size() - 1)[0]).as("the big transaction stays whole").isEqualTo(40);
            assertThat(windows.stream().mapToInt(w -> w[0]).sum()).isEqualTo(340);
        }
    }

    @Test
    void aRestartOnTheSameStagingResumesFromTheAppliedCheckpoint() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("restart")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            Failback.Builder builder = Failback.builder().disableAuthentication().name("restart").target(db.dataSource())
                    .stagingSchema(db.name() + "_staging").createStagingSchema(true);
            Failback first = builder.start();
            ok(first, db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "a", hlc(T + 1))));
            ok(first, db.path(), resolved(hlc(T + 1)));
            assertThat(first.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            ok(first, db.path(), batch(upsert("kv", 1, "b", hlc(T + 2)))); // staged, not yet resolved
            first.close();
            first.close(); // idempotent
            assertThat(first.state()).isEqualTo(State.STOPPED);
            assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("a");

            try (Failback second = builder.start()) {
                assertThat(second.status().lastResolvedApplied()).isEqualTo(new Hlc(T + 1, 0));
                assertThat(second.status().stagedBacklog()).isEqualTo(1);
                ok(second, db.path(), batch(upsert("kv", 2, "old", hlc(T + 1)))); // re-emitted, applied already
                ok(second, db.path(), resolved(hlc(T + 2)));
                assertThat(second.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("b");
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 2")).isEqualTo("a");
                assertThat(second.status().counters().stale()).isEqualTo(1);
            }
        }
    }

    @Test
    void severalPipelinesRunSideBySideInOneJvm() throws Exception {
        try (PostgresSchema one = PostgresSchema.create("side1"); PostgresSchema two = PostgresSchema.create("side2")) {
            one.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            two.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            JettySink sink1 = JettySink.bind("127.0.0.1", 0);
            JettySink sink2 = JettySink.bind("127.0.0.1", 0);
            try (Failback f1 = Failback.builder().disableAuthentication().name("one").target(one.dataSource()).sink(sink1)
                            .stagingSchema(one.name() + "_staging").createStagingSchema(true).start();
                    Failback f2 = Failback.builder().disableAuthentication().name("two").target(two.dataSource()).sink(sink2)
                            .stagingSchema(two.name() + "_staging").createStagingSchema(true).start()) {
                Http h1 = new Http("http://127.0.0.1:" + sink1.port());
                Http h2 = new Http("http://127.0.0.1:" + sink2.port());
                assertThat(h1.post(one.path(), batch(upsert("kv", 1, "one", hlc(T + 1)))).status()).isEqualTo(200);
                assertThat(h2.post(two.path(), batch(upsert("kv", 1, "two", hlc(T + 1)))).status()).isEqualTo(200);
                assertThat(h1.post(one.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
                assertThat(h2.post(two.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
                assertThat(f1.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(f2.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(one.one("SELECT v FROM $S.kv")).isEqualTo("one");
                assertThat(two.one("SELECT v FROM $S.kv")).isEqualTo("two");
            }
        }
    }
}
