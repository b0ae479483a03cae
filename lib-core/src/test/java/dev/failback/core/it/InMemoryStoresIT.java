package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Failback;
import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Mutation;
import dev.failback.core.memory.InMemoryCheckpointStore;
import dev.failback.core.memory.InMemoryStagingStore;
import dev.failback.jetty.JettySink;
import dev.failback.spi.StagingStore;
import dev.failback.spi.VersionStore;
import dev.failback.testing.PostgresSchema;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-memory stores (for tests; not durable) drive the same pipeline against a real target. */
class InMemoryStoresIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @Test
    void inMemoryStagingAppliesLikeJdbcStaging() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("inmemory")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback f = Failback.builder().disableAuthentication().name("inmemory").target(db.dataSource())
                    .stagingStore(new InMemoryStagingStore()).checkpointStore(new InMemoryCheckpointStore())
                    .flushSize(2).scanSize(3).sink(sink).start()) {
                Http http = new Http("http://127.0.0.1:" + sink.port());
                for (int i = 1; i <= 10; i++) {
                    assertThat(http.post(db.path(), batch(upsert("kv", i, "v" + i, hlc(T + i)))).status()).isEqualTo(200);
                }
                assertThat(http.post(db.path(), batch(delete("kv", 3, hlc(T + 11)), upsert("kv", 4, "w", hlc(T + 11))))
                        .status()).isEqualTo(200);
                assertThat(http.post(db.path(), resolved(hlc(T + 11))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(T + 11, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("9");
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 4")).isEqualTo("w");
                assertThat(f.status().stagedBacklog()).isZero();
            }
        }
    }

    /** A store without {@code tablesAt}/{@code readAt} of its own: the SPI's defaults page through {@code read}. */
    @Test
    void aLargeTransactionIsReadThroughTheDefaultPagingOfAStagingStore() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("inmemory_large")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)",
                    "CREATE TABLE $S.other (id bigint PRIMARY KEY, v text NOT NULL)");
            Map<Hlc, int[]> windows = new java.util.concurrent.ConcurrentHashMap<>();
            dev.failback.FailbackListener listener = new dev.failback.FailbackListener() {
                @Override
                public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
                    windows.merge(upTo, new int[] {upserts, deletes}, (a, b) -> new int[] {a[0] + b[0], a[1] + b[1]});
                }
            };
            try (Failback f = Failback.builder().disableAuthentication().name("inmemory_large").target(db.dataSource())
                    .stagingStore(new InMemoryStagingStore()).checkpointStore(new InMemoryCheckpointStore())
                    .listener(listener).flushSize(2).scanSize(3).largeTransactionRows(5).start()) {
                Posts.ok(f, db.path(), batch(upsert("kv", 1, "old", hlc(T + 1)), upsert("kv", 2, "old", hlc(T + 1)),
                        upsert("other", 1, "old", hlc(T + 1))));
                List<String> big = new java.util.ArrayList<>();
                big.add(delete("kv", 1, hlc(T + 2)));
                big.add(delete("other", 1, hlc(T + 2)));
                for (int i = 10; i < 20; i++) {
                    big.add(upsert(i % 2 == 0 ? "kv" : "other", i, "new", hlc(T + 2)));
                }
                Posts.ok(f, db.path(), batch(big));
                Posts.ok(f, db.path(), batch(upsert("kv", 2, "after", hlc(T + 3))));
                Posts.ok(f, db.path(), resolved(hlc(T + 3)));
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(List.of("2", "after"),
                        List.of("10", "new"), List.of("12", "new"), List.of("14", "new"), List.of("16", "new"),
                        List.of("18", "new"));
                assertThat(db.query("SELECT id, v FROM $S.other ORDER BY id")).containsExactly(List.of("11", "new"),
                        List.of("13", "new"), List.of("15", "new"), List.of("17", "new"), List.of("19", "new"));
                assertThat(windows.get(new Hlc(T + 2, 0))).as("the large transaction, alone in its window")
                        .containsExactly(10, 2);
                assertThat(f.status().stagedBacklog()).isZero();
            }
        }
    }

    @Test
    void aStagingStoreThatKeepsNoVersionsOrDeadLettersIsRefusedWithoutTheirStores() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("inmemory_refused")) {
            assertThatThrownBy(() -> Failback.builder().disableAuthentication().target(db.dataSource())
                    .stagingStore(new StagingOnly()).checkpointStore(new InMemoryCheckpointStore())
                    .mode(Mode.IMMEDIATE).start())
                    .isInstanceOf(FailbackConfigurationException.class)
                    .hasMessageContaining("immediate mode needs a VersionStore")
                    .hasMessageContaining("give versionStore(...)");
            assertThatThrownBy(() -> Failback.builder().disableAuthentication().target(db.dataSource())
                    .stagingStore(new StagingOnly()).checkpointStore(new InMemoryCheckpointStore())
                    .deadLetter(true).start())
                    .isInstanceOf(FailbackConfigurationException.class)
                    .hasMessageContaining("deadLetter(true) needs a DeadLetterStore")
                    .hasMessageContaining("give deadLetterStore(...)");
        }
    }

    @Test
    void immediateModeKeepsItsKeyVersionsInTheVersionStoreGiven() throws Exception {
        CountedVersions versions = new CountedVersions();
        try (PostgresSchema db = PostgresSchema.create("inmemory_versions")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String group = db.database() + "." + db.name();
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback f = Failback.builder().disableAuthentication().name("inmemory-versions").target(db.dataSource())
                    .stagingStore(new StagingOnly()).checkpointStore(new InMemoryCheckpointStore())
                    .versionStore(versions).versionGuardMemoryKeys(0) // every version goes to the store
                    .mode(Mode.IMMEDIATE).sink(sink).start()) {
                assertThat(versions.inits.get()).isEqualTo(1);
                Http http = new Http("http://127.0.0.1:" + sink.port());
                assertThat(http.post(db.path(), batch(upsert("kv", 1, "new", hlc(T + 2)))).status()).isEqualTo(200);
                assertThat(versions.store.holdsVersions(group)).as("recorded in the store given").isTrue();
                assertThat(http.post(db.path(), batch(upsert("kv", 1, "old", hlc(T + 1)))).status()).isEqualTo(200);
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).as("the older version found there").isEqualTo("new");
                assertThat(f.status().counters().duplicates()).isEqualTo(1);
            }
            assertThat(versions.closes.get()).isEqualTo(1);
        }
    }

    @Test
    void deadLettersGoToTheDeadLetterStoreGiven() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("inmemory_dead")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL, CONSTRAINT kv_not_bad CHECK (v <> 'bad'))");
            String group = db.database() + "." + db.name();
            InMemoryStagingStore letters = new InMemoryStagingStore();
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback f = Failback.builder().disableAuthentication().name("inmemory-dead").target(db.dataSource())
                    .stagingStore(new StagingOnly()).checkpointStore(new InMemoryCheckpointStore())
                    .deadLetterStore(letters).deadLetter(true).sink(sink).start()) {
                Http http = new Http("http://127.0.0.1:" + sink.port());
                assertThat(http.post(db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "bad", hlc(T + 1))))
                        .status()).isEqualTo(200);
                assertThat(http.post(db.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(30))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("1");
                assertThat(f.status().counters().deadLettered()).isEqualTo(1);
                assertThat(letters.deadLetters(group).entrySet()).singleElement().satisfies(e -> {
                    assertThat(e.getKey().key()).isEqualTo("[2]");
                    assertThat(e.getKey().updated()).isEqualTo(new Hlc(T + 1, 0));
                    assertThat(e.getValue()).contains("23514", "kv_not_bad");
                });
            }
        }
    }

    /** A staging store that keeps neither key versions nor dead letters (stage, read, retire only). */
    private static final class StagingOnly implements StagingStore {
        private final InMemoryStagingStore staged = new InMemoryStagingStore();

        @Override
        public void init() {
        }

        @Override
        public int stage(String schema, List<Mutation> mutations) {
            return staged.stage(schema, mutations);
        }

        @Override
        public List<Mutation> read(String schema, Hlc from, Hlc to, Mutation after, int limit) {
            return staged.read(schema, from, to, after, limit);
        }

        @Override
        public long retire(String schema, Hlc upTo) {
            return staged.retire(schema, upTo);
        }

        @Override
        public long count(String schema) {
            return staged.count(schema);
        }
    }

    /** A version store that counts its lifecycle calls. */
    private static final class CountedVersions implements VersionStore {
        final InMemoryStagingStore store = new InMemoryStagingStore();
        final AtomicInteger inits = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void init() {
            inits.incrementAndGet();
        }

        @Override
        public Map<RowKey, Hlc> appliedVersions(String schema, Collection<RowKey> keys) throws SQLException {
            return store.appliedVersions(schema, keys);
        }

        @Override
        public void recordVersions(String schema, Map<RowKey, Hlc> versions) throws SQLException {
            store.recordVersions(schema, versions);
        }

        @Override
        public void retireVersions(String schema, Hlc upTo) throws SQLException {
            store.retireVersions(schema, upTo);
        }

        @Override
        public boolean holdsVersions(String schema) throws SQLException {
            return store.holdsVersions(schema);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
