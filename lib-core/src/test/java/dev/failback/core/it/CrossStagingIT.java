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
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestSchema;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Staging on one kind of database and the target on another: a PostgreSQL target staged in MariaDB,
 * and a MariaDB target staged in PostgreSQL, through restart and redelivery, both modes.
 */
class CrossStagingIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void postgresTargetStagedInMariaDb(Mode mode) throws Exception {
        try (TestSchema target = TestSchema.Kind.POSTGRESQL.create("xstage"); TestSchema staging = TestSchema.Kind.MARIADB.create("xstage")) {
            run(target, staging, mode);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void mariaDbTargetStagedInPostgres(Mode mode) throws Exception {
        try (TestSchema target = TestSchema.Kind.MARIADB.create("xstage"); TestSchema staging = TestSchema.Kind.POSTGRESQL.create("xstage")) {
            run(target, staging, mode);
        }
    }

    private static void run(TestSchema target, TestSchema staging, Mode mode) throws Exception {
        target.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        Failback.Builder builder = Failback.builder().disableAuthentication().name("xstage").target(target.dataSource())
                .staging(staging.dataSource()).stagingSchema(staging.stagingSchema()).createStagingSchema(true)
                .mode(mode);
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        try (Failback f = builder.sink(sink).start()) {
            Http http = new Http("http://127.0.0.1:" + sink.port());
            String b = batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "a", hlc(T + 1)));
            assertThat(http.post(target.path(), b).status()).isEqualTo(200);
            assertThat(http.post(target.path(), b).status()).isEqualTo(200);
            assertThat(http.post(target.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(http.post(target.path(), batch(upsert("kv", 1, "b", hlc(T + 2)), delete("kv", 2, hlc(T + 2))))
                    .status()).isEqualTo(200);
            assertThat(f.status().counters().duplicates()).as("the HTTP retry").isEqualTo(2);
        }
        try (Failback f = Failback.builder().disableAuthentication().name("xstage-2").target(target.dataSource())
                .staging(staging.dataSource()).stagingSchema(staging.stagingSchema()).mode(mode).start()) {
            assertThat(f.status().lastResolvedApplied()).isEqualTo(new Hlc(T + 1, 0));
            assertThat(f.webhookHandler().handle(request(target.path(), resolved(hlc(T + 2)))).status()).isEqualTo(200);
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(target.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("b");
            assertThat(target.one("SELECT count(*) FROM $S.kv")).isEqualTo("1");
        }
    }

    private static dev.failback.WebhookRequest request(String path, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new dev.failback.WebhookRequest("POST", path, null, java.util.Map.of(),
                new java.io.ByteArrayInputStream(bytes), bytes.length);
    }
}
