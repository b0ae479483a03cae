package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestSchema;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a real changefeed re-sends: byte-identical HTTP retries, re-emission after a restart with older
 * versions in between ({@code 1, 2a, 3, 2b, 4}), and repeated or backward resolved timestamps. The
 * final state is right, nothing loops, duplicates are counted.
 */
class RedeliveryIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private TestSchema db;
    private Failback failback;
    private Http http;

    private void start(TestSchema.Kind kind, Mode mode) throws Exception {
        db = kind.create("redeliver");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        failback = Failback.builder().disableAuthentication().name("redeliver-" + kind + "-" + mode).target(db.dataSource()).mode(mode)
                .stagingSchema(db.stagingSchema()).createStagingSchema(true).sink(sink).start();
        http = new Http("http://127.0.0.1:" + sink.port());
    }

    @AfterEach
    void stop() throws Exception {
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

    private String v(long id) throws Exception {
        return db.one("SELECT v FROM $S.kv WHERE id = " + id);
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void consistentModeSurvivesRetriesReemissionAndResolvedRegressions(TestSchema.Kind kind) throws Exception {
        start(kind, Mode.CONSISTENT);
        String b1 = batch(upsert("kv", 1, "1", hlc(T + 1)), upsert("kv", 2, "x1", hlc(T + 1)));
        ok(b1);
        ok(b1); // byte-identical HTTP retry
        ok(batch(upsert("kv", 1, "2a", hlc(T + 2))));
        ok(batch(upsert("kv", 1, "3", hlc(T + 3)), delete("kv", 2, hlc(T + 3))));
        ok(resolved(hlc(T + 3)));
        assertThat(failback.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(20))).isTrue();
        assertThat(v(1)).isEqualTo("3");
        assertThat(v(2)).isNull();

        // The changefeed restarts from an older checkpoint: re-emits 2b (older), 3, then new 4.
        ok(batch(upsert("kv", 1, "2b", hlc(T + 2)), upsert("kv", 2, "x1", hlc(T + 1))));
        ok(batch(upsert("kv", 1, "3", hlc(T + 3))));
        ok(resolved(hlc(T + 2))); // backwards: a logged no-op
        ok(resolved(hlc(T + 3))); // repeated: a no-op
        assertThat(v(1)).isEqualTo("3");
        ok(batch(upsert("kv", 1, "4", hlc(T + 4))));
        ok(batch(upsert("kv", 1, "4", hlc(T + 4)))); // and its retry
        ok(resolved(hlc(T + 5)));
        assertThat(failback.awaitApplied(new Hlc(T + 5, 0), Duration.ofSeconds(20))).isTrue();
        assertThat(v(1)).isEqualTo("4");
        assertThat(v(2)).isNull();

        Status.Counters c = failback.status().counters();
        assertThat(c.duplicates()).as("HTTP retries counted").isEqualTo(3);
        assertThat(c.stale()).as("re-emitted, already applied").isEqualTo(3);
        assertThat(c.resolvedIgnored()).isEqualTo(2);
        assertThat(c.rejected() + c.unavailable()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void reemissionBeforeResolvedFoldsToTheNewestVersion(TestSchema.Kind kind) throws Exception {
        start(kind, Mode.CONSISTENT);
        ok(batch(upsert("kv", 7, "1", hlc(T + 1))));
        ok(batch(upsert("kv", 7, "2a", hlc(T + 2))));
        ok(batch(upsert("kv", 7, "3", hlc(T + 3))));
        ok(batch(upsert("kv", 7, "2b", hlc(T + 2)), upsert("kv", 7, "3", hlc(T + 3)))); // restart, regrouped
        ok(batch(upsert("kv", 7, "4", hlc(T + 4))));
        ok(resolved(hlc(T + 4)));
        assertThat(failback.awaitApplied(new Hlc(T + 4, 0), Duration.ofSeconds(20))).isTrue();
        assertThat(v(7)).isEqualTo("4");
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void immediateModeNeverLetsAnOlderVersionOverwriteANewerOne(TestSchema.Kind kind) throws Exception {
        start(kind, Mode.IMMEDIATE);
        ok(batch(upsert("kv", 1, "1", hlc(T + 1))));
        assertThat(v(1)).isEqualTo("1"); // applied before the 200
        ok(batch(upsert("kv", 1, "2a", hlc(T + 2))));
        ok(batch(upsert("kv", 1, "3", hlc(T + 3))));
        ok(batch(upsert("kv", 1, "2b", hlc(T + 2)))); // re-emitted older version
        assertThat(v(1)).isEqualTo("3");
        ok(batch(upsert("kv", 1, "3", hlc(T + 3)))); // HTTP retry
        ok(batch(delete("kv", 1, hlc(T + 4))));
        ok(batch(upsert("kv", 1, "3", hlc(T + 3)))); // older than the delete
        assertThat(v(1)).isNull();
        ok(resolved(hlc(T + 4)));
        ok(resolved(hlc(T + 4)));
        ok(batch(upsert("kv", 1, "2a", hlc(T + 2)))); // at or below the resolved: stale
        assertThat(v(1)).isNull();
        ok(batch(upsert("kv", 1, "5", hlc(T + 5))));
        assertThat(v(1)).isEqualTo("5");
        Status.Counters c = failback.status().counters();
        assertThat(c.duplicates()).isEqualTo(3);
        assertThat(c.stale()).isEqualTo(1);
        assertThat(c.resolvedIgnored()).isEqualTo(1);
        assertThat(failback.status().lastResolvedApplied()).isEqualTo(new Hlc(T + 4, 0));
    }
}
