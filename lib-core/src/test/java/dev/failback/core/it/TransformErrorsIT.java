package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static dev.failback.core.it.Posts.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.WebhookResponse;
import dev.failback.testing.TestSchema;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.SchemaTransform;
import dev.failback.transform.TableTransform;
import dev.failback.transform.Transforms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A transform that fails: before staging the request is refused with a message naming the table, key
 * and timestamp and nothing is staged (a route to a table the target lacks is a 404, a routed row
 * without its key a 400); at apply, consistent mode stops the group as a poison row does, naming them,
 * and resumes once the transform works; immediate mode refuses the request.
 */
class TransformErrorsIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private static Failback start(TestSchema db, Mode mode, Transforms transforms) {
        return Failback.builder().disableAuthentication().name("transform-errors").target(db.dataSource())
                .stagingSchema(db.stagingSchema()).createStagingSchema(true).mode(mode).transforms(transforms).start();
    }

    private static SchemaTransform upserts(java.util.function.BiFunction<Map<String, Object>, RowMeta, Route> f) {
        return new SchemaTransform() {
            @Override
            public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
                return f.apply(row, meta);
            }

            @Override
            public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
                return Route.row(row);
            }
        };
    }

    @Test
    void aTransformThatFailsBeforeStagingRefusesTheRequestNamingTableKeyAndTimestamp() throws Exception {
        try (TestSchema db = TestSchema.Kind.POSTGRESQL.create("transform_err")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String name = TransformIT.moltName(db);
            Transforms throwing = Transforms.builder().schema(name, upserts((row, meta) -> {
                throw new IllegalStateException("no rule for " + meta.table());
            })).build();
            try (Failback f = start(db, Mode.CONSISTENT, throwing)) {
                WebhookResponse r = post(f, db.path(), batch(upsert("kv", 7, "a", hlc(T + 1))));
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.message()).contains("payload[0]", "table kv", "key [7]", new Hlc(T + 1, 0).toString(),
                        "the transform failed: no rule for kv", "nothing was staged");
                assertThat(f.status().counters().staged()).isZero();
            }
            Transforms nowhere = Transforms.builder().schema(name, upserts((row, meta) -> Route.to("missing", row))).build();
            try (Failback f = start(db, Mode.CONSISTENT, nowhere)) {
                WebhookResponse r = post(f, db.path(), batch(upsert("kv", 7, "a", hlc(T + 1))));
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.message()).contains("key [7]", "to table \"missing\"", "does not have", "nothing was staged");
            }
            Transforms keyless = Transforms.builder().schema(name, upserts((row, meta) -> {
                row.remove("id");
                return Route.row(row);
            })).build();
            try (Failback f = start(db, Mode.CONSISTENT, keyless)) {
                WebhookResponse r = post(f, db.path(), batch(upsert("kv", 7, "a", hlc(T + 1))));
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.message()).contains("no value for primary-key column id", "nothing was staged");
                assertThat(f.status().counters().staged()).isZero();
            }
        }
    }

    @Test
    void aDeleteRoutedFromATableTheTargetLacksIsKeyedByItsKeyArray() throws Exception {
        try (TestSchema db = TestSchema.Kind.POSTGRESQL.create("transform_rekey")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            SchemaTransform toKv = new SchemaTransform() {
                @Override
                public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
                    return Route.to("kv", row);
                }

                @Override
                public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
                    return Route.to("kv", row); // {"__REPLICATION_KEY__": [7]}: the source table src is not in the target
                }
            };
            try (Failback f = start(db, Mode.CONSISTENT,
                    Transforms.builder().schema(TransformIT.moltName(db), toKv).build())) {
                long started = System.nanoTime();
                assertThat(post(f, db.path(), batch(upsert("src", 7, "a", hlc(T + 1)))).status()).isEqualTo(200);
                // 60 deletes: were each to read the schema again (up to 250 ms apart), this would take 15 s
                WebhookResponse deleted = post(f, db.path(), batch(java.util.stream.LongStream.rangeClosed(7, 66)
                        .mapToObj(id -> Bodies.delete("src", id, hlc(T + 2))).toList()));
                assertThat(deleted.status()).as(deleted.message()).isEqualTo(200);
                assertThat(post(f, db.path(), resolved(hlc(T + 2))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("0");
                assertThat(System.nanoTime() - started).as("no schema re-read per delete of a table the target lacks")
                        .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
            }
        }
    }

    @Test
    void aTableTransformThatMapsTwoKeysToOneKeepsTheNewestChange() throws Exception {
        try (TestSchema db = TestSchema.Kind.POSTGRESQL.create("transform_fold")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            Transforms oneKey = Transforms.builder().table("kv", new TableTransform() {
                @Override
                public Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) {
                    row.put("id", java.math.BigDecimal.ONE); // every row onto key 1
                    return row;
                }
            }).build();
            try (Failback f = start(db, Mode.CONSISTENT, oneKey)) {
                assertThat(post(f, db.path(), batch(upsert("kv", 1, "older", hlc(T + 1)),
                        upsert("kv", 2, "newer", hlc(T + 2)))).status()).isEqualTo(200);
                assertThat(post(f, db.path(), resolved(hlc(T + 2))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).as(String.valueOf(f.status().lastError()))
                        .isTrue();
                assertThat(db.query("SELECT id, v FROM $S.kv")).containsExactly(List.of("1", "newer"));
            }
        }
    }

    @Test
    void aTransformThatFailsAtApplyStopsTheGroupAsAPoisonRowAndResumesOnceItWorks() throws Exception {
        try (TestSchema db = TestSchema.Kind.MARIADB.create("transform_apply")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            AtomicBoolean broken = new AtomicBoolean(true);
            Transforms transforms = Transforms.builder().table("kv", new TableTransform() {
                @Override
                public Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) {
                    if (broken.get()) {
                        throw new IllegalStateException("lookup table not loaded");
                    }
                    return row;
                }
            }).build();
            try (Failback f = start(db, Mode.CONSISTENT, transforms)) {
                assertThat(post(f, db.path(), batch(upsert("kv", 7, "a", hlc(T + 1)))).status()).isEqualTo(200);
                assertThat(post(f, db.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(3))).isFalse();
                assertThat(f.status().lastError()).contains("transform onRowUpsert of table", "kv", "key [7]",
                        new Hlc(T + 1, 0).toString(), "lookup table not loaded");
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("0");
                broken.set(false);
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(60))).isTrue();
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 7")).isEqualTo("a");
            }
            try (Failback f = start(db, Mode.IMMEDIATE, transforms)) {
                broken.set(true);
                WebhookResponse r = post(f, db.path(), batch(upsert("kv", 8, "b", hlc(T + 2))));
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.message()).contains("transform onRowUpsert", "key [8]", "lookup table not loaded");
                assertThat(db.one("SELECT count(*) FROM $S.kv WHERE id = 8")).isEqualTo("0");
            }
        }
    }
}
