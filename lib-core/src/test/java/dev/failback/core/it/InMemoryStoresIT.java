package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.memory.InMemoryCheckpointStore;
import dev.failback.core.memory.InMemoryStagingStore;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import java.time.Duration;
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
}
