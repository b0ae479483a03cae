package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static dev.failback.core.it.Posts.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.testing.TestSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A source transaction larger than {@code largeTransactionRows} (a bulk change in CockroachDB) is applied
 * from staging page by page in one target transaction: whole or not at all, in foreign-key order across
 * pages and tables (the child table's name sorts before its parent's, so staging order is the wrong one),
 * between the smaller windows around it.
 */
class LargeTransactionIT {
    private static final long A = 1_759_246_900_000_000_000L;
    /** The small transactions before the large one. */
    private static final long S = A + 10;
    /** The large transaction. */
    private static final long B = A + 20;
    private static final long Z = A + 30;

    private static String child(long id, long parent, String v, long wall) {
        return "{\"after\": {\"id\": " + id + ", \"parent_id\": " + parent + ", \"v\": \"" + v + "\"}, \"key\": [" + id
                + "], \"topic\": \"a_child\", \"updated\": \"" + hlc(wall) + "\"}";
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void aTransactionLargerThanTheLimitIsAppliedWholeInForeignKeyOrderOrNotAtAll(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("largetx")) {
            db.execute("CREATE TABLE $S.z_parent (id bigint PRIMARY KEY, v varchar(20) NOT NULL,"
                            + " CONSTRAINT v_not_bad CHECK (v <> 'bad'))",
                    "CREATE TABLE $S.a_child (id bigint PRIMARY KEY, parent_id bigint NOT NULL, v varchar(20) NOT NULL,"
                            + " FOREIGN KEY (parent_id) REFERENCES $S.z_parent (id))");
            Map<Hlc, int[]> windows = new ConcurrentHashMap<>();
            FailbackListener listener = new FailbackListener() {
                @Override
                public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
                    windows.merge(upTo, new int[] {upserts, deletes, 1},
                            (a, b) -> new int[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
                }
            };
            try (Failback f = builder(db, "largetx", listener).flushSize(20).scanSize(17).largeTransactionRows(50).start()) {
                List<String> first = new ArrayList<>();
                for (int p = 1; p <= 10; p++) {
                    first.add(upsert("z_parent", p, "p" + p, hlc(A)));
                }
                for (int c = 1; c <= 20; c++) {
                    first.add(child(c, c % 10 + 1, "c" + c, A));
                }
                ok(f, db.path(), batch(first));
                ok(f, db.path(), resolved(hlc(A)));
                assertThat(f.awaitApplied(new Hlc(A, 0), Duration.ofSeconds(30))).isTrue();

                // one source transaction of 190 mutations: every old row deleted (children before their parents),
                // 60 new parents and 100 new children (parents before their children), the last parent refused
                List<String> big = new ArrayList<>();
                for (int c = 1; c <= 20; c++) {
                    big.add(delete("a_child", c, hlc(B)));
                }
                for (int p = 1; p <= 10; p++) {
                    big.add(delete("z_parent", p, hlc(B)));
                }
                for (int c = 201; c <= 300; c++) {
                    big.add(child(c, 101 + c % 60, "c" + c, B));
                }
                for (int p = 101; p <= 160; p++) {
                    big.add(upsert("z_parent", p, p == 160 ? "bad" : "p" + p, hlc(B)));
                }
                List<String> small = new ArrayList<>();
                for (int t = 0; t < 5; t++) { // small transactions before and after, windowed as usual
                    small.add(upsert("z_parent", 1000 + t, "before", hlc(S + t)));
                }
                ok(f, db.path(), batch(small));
                for (int i = 0; i < big.size(); i += 40) {
                    ok(f, db.path(), batch(big.subList(i, Math.min(big.size(), i + 40))));
                }
                ok(f, db.path(), batch(upsert("z_parent", 1, "back", hlc(Z)), child(1, 1, "back", Z)));
                ok(f, db.path(), resolved(hlc(Z)));

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (f.status().lastError() == null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                String error = f.status().lastError();
                assertThat(error).as("the refused transaction is reported").isNotNull()
                        .contains("large transaction").contains("v_not_bad").contains("z_parent").doesNotContain("(0 mutations read)");
                assertThat(f.awaitApplied(new Hlc(Z, 0), Duration.ofMillis(500))).isFalse();
                // nothing of the large transaction is in the target; the small ones before it are
                assertThat(db.one("SELECT count(*) FROM $S.a_child")).isEqualTo("20");
                assertThat(db.one("SELECT count(*) FROM $S.z_parent WHERE id < 1000")).isEqualTo("10");
                assertThat(db.one("SELECT count(*) FROM $S.z_parent WHERE v = 'before'")).isEqualTo("5");

                db.execute("ALTER TABLE $S.z_parent DROP CONSTRAINT v_not_bad");
                assertThat(f.awaitApplied(new Hlc(Z, 0), Duration.ofSeconds(60))).isTrue();
                assertThat(f.status().stagedBacklog()).isZero();
            }
            assertThat(db.one("SELECT count(*) FROM $S.a_child WHERE id <= 20")).isEqualTo("1");
            assertThat(db.one("SELECT count(*) FROM $S.a_child WHERE id > 200")).isEqualTo("100");
            assertThat(db.one("SELECT count(*) FROM $S.z_parent WHERE id BETWEEN 101 AND 160")).isEqualTo("60");
            assertThat(db.one("SELECT v FROM $S.z_parent WHERE id = 160")).isEqualTo("bad");
            assertThat(db.one("SELECT count(*) FROM $S.z_parent WHERE id BETWEEN 2 AND 10")).isEqualTo("0");
            assertThat(db.one("SELECT v FROM $S.a_child WHERE id = 1")).isEqualTo("back");
            int[] large = windows.get(new Hlc(B, 0));
            assertThat(large).as("the large transaction is one window of its own").isNotNull();
            assertThat(large[0]).as("upserts").isEqualTo(160);
            assertThat(large[1]).as("deletes").isEqualTo(30);
            assertThat(large[2]).as("commits").isEqualTo(1);
            assertThat(windows.get(new Hlc(S + 4, 0))).as("the small transactions before it, applied first")
                    .isNotNull();
        }
    }

    /**
     * Children re-pointed to a new parent and the old parent deleted in one large transaction: deletes first
     * is refused by the foreign key, so it is applied again upserts first, still as one transaction.
     */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void aTransactionThatMovesChildrenBeforeDeletingTheirParentAppliesUpsertsFirst(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("largetx_move")) {
            db.execute("CREATE TABLE $S.z_parent (id bigint PRIMARY KEY, v varchar(20) NOT NULL)",
                    "CREATE TABLE $S.a_child (id bigint PRIMARY KEY, parent_id bigint NOT NULL, v varchar(20) NOT NULL,"
                            + " FOREIGN KEY (parent_id) REFERENCES $S.z_parent (id))");
            Map<Hlc, int[]> windows = new ConcurrentHashMap<>();
            try (Failback f = builder(db, "largetx_move", windows(windows)).scanSize(13).largeTransactionRows(30).start()) {
                List<String> first = new ArrayList<>();
                first.add(upsert("z_parent", 1, "old", hlc(A)));
                for (int c = 1; c <= 40; c++) {
                    first.add(child(c, 1, "c" + c, A));
                }
                ok(f, db.path(), batch(first));
                List<String> move = new ArrayList<>();
                move.add(upsert("z_parent", 2, "new", hlc(B)));
                for (int c = 1; c <= 40; c++) {
                    move.add(child(c, 2, "moved", B));
                }
                move.add(delete("z_parent", 1, hlc(B)));
                ok(f, db.path(), batch(move));
                ok(f, db.path(), resolved(hlc(B)));
                assertThat(f.awaitApplied(new Hlc(B, 0), Duration.ofSeconds(30))).as(String.valueOf(f.status().lastError()))
                        .isTrue();
            }
            assertThat(db.query("SELECT id, v FROM $S.z_parent")).containsExactly(List.of("2", "new"));
            assertThat(db.one("SELECT count(*) FROM $S.a_child WHERE parent_id = 2 AND v = 'moved'")).isEqualTo("40");
            assertThat(windows.get(new Hlc(B, 0))).as("upserts, deletes, commits").containsExactly(41, 1, 1);
        }
    }

    /**
     * A table that references itself needs its rows ordered as a whole, which pages cannot do: a large
     * transaction touching one stays a window in memory and applies as before.
     */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void aLargeTransactionOnATableThatReferencesItselfStaysInMemory(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("largetx_self")) {
            db.execute("CREATE TABLE $S.emp (id bigint PRIMARY KEY, manager_id bigint NULL, v varchar(20) NOT NULL,"
                    + " FOREIGN KEY (manager_id) REFERENCES $S.emp (id))");
            Map<Hlc, int[]> windows = new ConcurrentHashMap<>();
            try (Failback f = builder(db, "largetx_self", windows(windows)).scanSize(7).largeTransactionRows(20).start()) {
                // a chain: each row's manager is the row after it (larger keys, later in text order: "[9]" > "[10]")
                List<String> rows = new ArrayList<>();
                for (int id = 1; id <= 60; id++) {
                    String manager = id == 60 ? "null" : String.valueOf(id + 1);
                    rows.add("{\"after\": {\"id\": " + id + ", \"manager_id\": " + manager + ", \"v\": \"e\"}, \"key\": ["
                            + id + "], \"topic\": \"emp\", \"updated\": \"" + hlc(B) + "\"}");
                }
                ok(f, db.path(), batch(rows));
                ok(f, db.path(), resolved(hlc(B)));
                assertThat(f.awaitApplied(new Hlc(B, 0), Duration.ofSeconds(30))).as(String.valueOf(f.status().lastError()))
                        .isTrue();
            }
            assertThat(db.one("SELECT count(*) FROM $S.emp")).isEqualTo("60");
            assertThat(windows.get(new Hlc(B, 0))).containsExactly(60, 0, 1);
        }
    }

    /** A pipeline on the test schema and its staging schema, telling {@code listener} what it applies. */
    private static Failback.Builder builder(TestSchema db, String name, FailbackListener listener) {
        return Failback.builder().disableAuthentication().name(name).target(db.dataSource()).listener(listener)
                .stagingSchema(db.stagingSchema()).createStagingSchema(true);
    }

    private static FailbackListener windows(Map<Hlc, int[]> windows) {
        return new FailbackListener() {
            @Override
            public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
                if (upserts + deletes > 0) { // not the empty window that ends a drain at the same timestamp
                    windows.merge(upTo, new int[] {upserts, deletes, 1},
                            (a, b) -> new int[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
                }
            }
        };
    }
}
