package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.WebhookRequest;
import dev.failback.testing.TestSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Immediate mode with two instances of one deployment: each applies what it receives, and an older
 * version of a key that reaches the other instance never overwrites the newer one (the key versions
 * live in the target and are checked in the batch's transaction), nor resurrects a deleted row, nor
 * lands once a resolved timestamp received by the other instance covers it. Neither instance has
 * the newer version in its own memory: only the target's record stops the older one.
 */
class ImmediateAcrossReplicasIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void anOlderVersionReachingAnotherInstanceNeverOverwritesTheNewerOne(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("immrep")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v varchar(20) NOT NULL)");
            try (Failback a = start(db, "replica-a"); Failback b = start(db, "replica-b")) {
                // newer versions through A
                assertThat(post(a, db, batch(upsert("kv", 1, "new", hlc(T + 20)), upsert("kv", 2, "alive", hlc(T + 10)))))
                        .isEqualTo(200);
                assertThat(post(a, db, batch(delete("kv", 2, hlc(T + 30))))).isEqualTo(200);
                // older versions re-emitted through B: answered 200, not applied
                assertThat(post(b, db, batch(upsert("kv", 1, "old", hlc(T + 15))))).isEqualTo(200);
                assertThat(post(b, db, batch(upsert("kv", 2, "zombie", hlc(T + 25))))).isEqualTo(200);
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).as("newer version kept").isEqualTo("new");
                assertThat(db.one("SELECT count(*) FROM $S.kv WHERE id = 2")).as("deleted row not resurrected")
                        .isEqualTo("0");
                assertThat(b.status().counters().duplicates()).as("B counted both as already applied").isEqualTo(2);

                // a newer version through B applies
                assertThat(post(b, db, batch(upsert("kv", 1, "newest", hlc(T + 40))))).isEqualTo(200);
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("newest");

                // a resolved timestamp received by A covers what B receives later
                assertThat(post(a, db, resolved(hlc(T + 50)))).isEqualTo(200);
                assertThat(post(b, db, batch(upsert("kv", 3, "late", hlc(T + 45))))).isEqualTo(200);
                assertThat(db.one("SELECT count(*) FROM $S.kv WHERE id = 3")).as("covered by A's resolved").isEqualTo("0");
                // and the versions it covers are retired from the target
                String versions = kind == TestSchema.Kind.POSTGRESQL ? "\"" + db.stagingSchema() + "\".key_version_batches"
                        : "`" + db.stagingSchema() + "`.key_version_batches";
                assertThat(db.one("SELECT count(*) FROM " + versions + " WHERE body IS NOT NULL"))
                        .as("versions retired at the resolved (the newest row is kept, emptied)").isEqualTo("0");
                assertThat(db.one("SELECT count(*) FROM " + versions)).isEqualTo("1");
            }
        }
    }

    private static Failback start(TestSchema db, String instance) {
        return Failback.builder().disableAuthentication().name("immrep").instanceId(instance).target(db.dataSource())
                .stagingSchema(db.stagingSchema()).createStagingSchema(true).mode(Mode.IMMEDIATE).start();
    }

    private static int post(Failback f, TestSchema db, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return f.webhookHandler().handle(new WebhookRequest("POST", db.path(), null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length)).status();
    }
}
