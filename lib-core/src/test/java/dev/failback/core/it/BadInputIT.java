package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a 4xx whose message names the problem, and nothing from it is staged; trouble with
 * staging gets a 503 so the changefeed retries.
 */
class BadInputIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private PostgresSchema db;
    private Failback failback;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        db = PostgresSchema.create("badinput", "hr.sql");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        db.execute("CREATE TABLE $S.unserved (id bigint PRIMARY KEY)");
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        failback = Failback.builder().disableAuthentication().name("badinput").target(db.dataSource())
                .tables("employees", "orders", "payments", "kv")
                .stagingSchema(db.name() + "_staging").createStagingSchema(true)
                .maxBodyBytes(64 * 1024).sink(sink).start();
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

    private void assertNothingStaged() throws Exception {
        assertThat(db.one("SELECT count(*) FROM " + db.name() + "_staging.mutations")).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM " + db.name() + "_staging.checkpoints")).isEqualTo("0");
    }

    private void rejected(byte[] body, int status, String... words) throws Exception {
        Http.Answer a = http.post(db.path(), body);
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.body()).contains(words);
        assertNothingStaged();
    }

    @Test
    void everyMalformedFixtureIsRejectedWithItsProblemNamed() throws Exception {
        rejected(Bodies.fixture("90-malformed-truncated.json"), 400, "not valid JSON");
        rejected(Bodies.fixture("91-malformed-length-mismatch.json"), 400, "\"length\" is 3", "2");
        rejected(Bodies.fixture("92-malformed-bad-hlc-missing-key.json"), 400, "payload[0]");
        rejected(Bodies.fixture("93-malformed-empty-body.json"), 400, "empty");
        rejected(Bodies.fixture("94-malformed-top-level-array.json"), 400, "array");
        rejected(Bodies.fixture("95-malformed-resolved-number.json"), 400, "resolved", "string");
    }

    @Test
    void schemaProblemsNameTheTableColumnAndMessage() throws Exception {
        String good = upsert("kv", 1, "a", hlc(T + 1));
        rejected(batch(good, "{\"after\": {\"id\": 2, \"v\": \"b\", \"colour\": \"red\"}, \"key\": [2], \"topic\": \"kv\","
                + " \"updated\": \"" + hlc(T + 1) + "\"}").getBytes(StandardCharsets.UTF_8), 400,
                "payload[1]", "kv", "\"colour\"");
        rejected(batch(good, upsert("nosuchtable", 3, "c", hlc(T + 1))).getBytes(StandardCharsets.UTF_8), 404,
                "payload[1]", "nosuchtable");
        rejected(batch("{\"after\": {\"id\": 1}, \"key\": [1], \"topic\": \"unserved\", \"updated\": \"" + hlc(T + 1) + "\"}")
                .getBytes(StandardCharsets.UTF_8), 404, "unserved", "not served");
        rejected(batch("{\"after\": {\"order_id\": \"3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c\"}, \"key\": [\"3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c\"],"
                + " \"topic\": \"payments\", \"updated\": \"" + hlc(T + 1) + "\"}").getBytes(StandardCharsets.UTF_8), 400,
                "payments", "key", "2 columns");
    }

    @Test
    void valuesThatCanNeverApplyAreRefusedBeforeStaging() throws Exception {
        rejected(batch(upsert("kv", 1, "a", hlc(T + 1)), "{\"after\": {\"id\": \"seven\", \"v\": \"x\"}, \"key\": [7],"
                + " \"topic\": \"kv\", \"updated\": \"" + hlc(T + 1) + "\"}").getBytes(StandardCharsets.UTF_8), 400,
                "payload[1]", "kv", "\"id\"", "integer");
        rejected(batch("{\"after\": {\"id\": 1, \"v\": null}, \"key\": [1], \"topic\": \"kv\", \"updated\": \""
                + hlc(T + 1) + "\"}").getBytes(StandardCharsets.UTF_8), 400, "payload[0]", "\"v\"", "NOT NULL");
    }

    @Test
    void pathsMethodsSizesAndEncodings() throws Exception {
        byte[] good = batch(upsert("kv", 1, "a", hlc(T + 1))).getBytes(StandardCharsets.UTF_8);
        Http.Answer a = http.post("/" + db.database() + "/nosuchschema", good);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body()).contains("nosuchschema");
        a = http.post("/nosuchdb/" + db.name(), good);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body()).contains("nosuchdb");
        a = http.post("/" + db.name(), good);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body()).contains("/database/schema");
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 70 * 1024; i++) {
            big.append(i == 0 ? "" : ",").append(upsert("kv", i, "x".repeat(100), hlc(T + 1)));
        }
        rejected(("{\"payload\":[" + big + "]}").getBytes(StandardCharsets.UTF_8), 413, "65536");
        a = http.post(db.path(), good, "br");
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.body()).contains("br");
        a = http.post(db.path(), good, "zstd"); // claims zstd, is not
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("not valid zstd");
        assertNothingStaged();
        a = http.post(db.path(), gzip(good), "gzip");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(db.one("SELECT count(*) FROM " + db.name() + "_staging.mutations")).isEqualTo("1");
    }

    @Test
    void unreachableStagingIsA503NotA400() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(2);
        HikariDataSource staging = new HikariDataSource(cfg);
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        try (Failback other = Failback.builder().disableAuthentication().name("badinput-503").target(db.dataSource()).staging(staging)
                .stagingSchema(db.name() + "_staging").createStagingSchema(true).sink(sink).start()) {
            Http otherHttp = new Http("http://127.0.0.1:" + sink.port());
            staging.close(); // staging goes away
            Http.Answer a = otherHttp.post(db.path(), batch(upsert("kv", 1, "a", hlc(T + 1))));
            assertThat(a.status()).as(a.body()).isEqualTo(503);
            a = otherHttp.post(db.path(), Bodies.resolved(hlc(T + 1)));
            assertThat(a.status()).as(a.body()).isEqualTo(503);
        }
        assertNothingStaged();
    }

    @Test
    void saturatedStagingIsA503() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(4);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (HikariDataSource real = new HikariDataSource(cfg)) {
            // A real staging database whose connections are slow to come once the test says so.
            java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
            javax.sql.DataSource staging = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                        // only requests' staging is held: the lease and sequencer threads also read staging
                        String thread = Thread.currentThread().getName();
                        if (method.getName().equals("getConnection") && slow.get() && !thread.contains("-lease-")
                                && !thread.contains("-apply-") && !thread.contains("-read-")) {
                            inside.countDown();
                            release.await();
                        }
                        return method.invoke(real, args);
                    });
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback other = Failback.builder().disableAuthentication().name("badinput-saturated").target(db.dataSource()).staging(staging)
                    .stagingSchema(db.name() + "_staging").createStagingSchema(true).maxInFlight(1).sink(sink).start()) {
                Http otherHttp = new Http("http://127.0.0.1:" + sink.port());
                String body = batch(upsert("kv", 1, "a", hlc(T + 1)));
                otherHttp.post(db.path(), body); // warms the path
                slow.set(true);
                java.util.concurrent.CompletableFuture<Http.Answer> first =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> otherHttp.post(db.path(), body));
                inside.await();
                Http.Answer second = otherHttp.post(db.path(), batch(upsert("kv", 2, "b", hlc(T + 1))));
                assertThat(second.status()).as(second.body()).isEqualTo(503);
                assertThat(second.body()).contains("saturated");
                slow.set(false);
                release.countDown();
                assertThat(first.get().status()).isEqualTo(200);
            }
        }
    }

    private static byte[] gzip(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        }
        return out.toByteArray();
    }
}
