package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body limit and compressed bodies over real HTTP on PostgreSQL: an oversize body (plain, gzip or
 * zstd bomb) is a 413 with nothing staged; gzip and zstd bodies are staged and applied; the default
 * limit takes a batch as large as real changefeeds send.
 */
class RequestLimitsIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private PostgresSchema db;
    private Failback failback;
    private Http http;

    private void start(Long maxBodyBytes) throws Exception {
        db = PostgresSchema.create("limits");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        Failback.Builder b = Failback.builder().disableAuthentication().name("limits").target(db.dataSource())
                .stagingSchema(db.name() + "_staging").createStagingSchema(true).sink(sink);
        if (maxBodyBytes != null) {
            b.maxBodyBytes(maxBodyBytes);
        }
        failback = b.start();
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

    @Test
    void aRefusedBodyTheClientIsStillSendingGetsItsAnswerNotAReset() throws Exception {
        start(32L * 1024);
        // stopped after 32 KiB decoded while most of the compressed body is still on its way
        byte[] bomb = encode("gzip", ("{\"payload\":[" + " ".repeat(256 << 20)).getBytes(StandardCharsets.US_ASCII));
        byte[] plain = new byte[2 << 20];
        java.util.Arrays.fill(plain, (byte) ' ');
        for (int i = 0; i < 20; i++) {
            Http.Answer a = http.post(db.path(), bomb, "gzip");
            assertThat(a.status()).as("bomb, try " + i).isEqualTo(413);
            Http.Answer b = http.post(db.path(), plain);
            assertThat(b.status()).as("2 MiB body, try " + i).isEqualTo(413);
        }
        assertNothingStaged();
    }

    @Test
    void oversizeBodiesAre413AndStageNothing() throws Exception {
        start(32L * 1024);
        List<String> rows = new ArrayList<>();
        for (int i = 0; rows.size() * 130 < 40 * 1024; i++) {
            rows.add(upsert("kv", i, "x".repeat(100), hlc(T + 1)));
        }
        byte[] big = batch(rows).getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(32 * 1024);

        Http.Answer plain = http.post(db.path(), big);
        assertThat(plain.status()).as(plain.body()).isEqualTo(413);
        assertThat(plain.body()).contains("32768");
        // compressed, the same batch is small on the wire, but the decoded size counts
        for (String coding : new String[] {"gzip", "zstd"}) {
            byte[] packed = encode(coding, big);
            assertThat(packed.length).isLessThan(32 * 1024);
            Http.Answer a = http.post(db.path(), packed, coding);
            assertThat(a.status()).as(coding + ": " + a.body()).isEqualTo(413);
            assertThat(a.body()).isEqualTo("decompressed body is larger than the limit of 32768 bytes");
        }
        // bombs: 256 MiB of the same byte, a few hundred KiB on the wire
        String bombText = "{\"payload\":[" + " ".repeat(256 << 20);
        for (String coding : new String[] {"gzip", "zstd"}) {
            byte[] bomb = encode(coding, bombText.getBytes(StandardCharsets.US_ASCII));
            Http.Answer a = http.post(db.path(), bomb, coding);
            assertThat(a.status()).as(coding).isIn(413);
        }
        assertNothingStaged();
        assertThat(failback.status().counters().rejected()).isEqualTo(5);

        byte[] fits = batch(upsert("kv", 1, "a", hlc(T + 1))).getBytes(StandardCharsets.UTF_8);
        assertThat(http.post(db.path(), fits).status()).isEqualTo(200);
    }

    @Test
    void gzipAndZstdBodiesAreStagedAndApplied() throws Exception {
        start(null);
        Http.Answer a = http.post(db.path(), encode("gzip", batch(upsert("kv", 1, "gzip", hlc(T + 1)),
                upsert("kv", 2, "two", hlc(T + 1))).getBytes(StandardCharsets.UTF_8)), "gzip");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        a = http.post(db.path(), encode("zstd", batch(upsert("kv", 3, "zstd", hlc(T + 2)),
                upsert("kv", 2, "zstd too", hlc(T + 2))).getBytes(StandardCharsets.UTF_8)), "zstd");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        // resolved timestamps come compressed too
        a = http.post(db.path(), encode("zstd", resolved(hlc(T + 3)).getBytes(StandardCharsets.UTF_8)), "zstd");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(failback.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(20))).isTrue();
        assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(
                List.of("1", "gzip"), List.of("2", "zstd too"), List.of("3", "zstd"));

        a = http.post(db.path(), encode("gzip", batch(Bodies.delete("kv", 1, hlc(T + 4))).getBytes(StandardCharsets.UTF_8)),
                "gzip");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        a = http.post(db.path(), encode("gzip", resolved(hlc(T + 5)).getBytes(StandardCharsets.UTF_8)), "gzip");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(failback.awaitApplied(new Hlc(T + 5, 0), Duration.ofSeconds(20))).isTrue();
        assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("2");
    }

    @Test
    void theDefaultLimitTakesALargeRealBatch() throws Exception {
        start(null);
        assertThat(Failback.Builder.DEFAULT_MAX_BODY_BYTES).isEqualTo(128L << 20);
        // what a changefeed sends with Flush.Bytes = 16 MiB: 16 rows of 1 MiB values, plus one 8 MiB row
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            rows.add(upsert("kv", i, Character.toString('a' + i).repeat(1 << 20), hlc(T + 1)));
        }
        rows.add(upsert("kv", 100, "z".repeat(8 << 20), hlc(T + 1)));
        byte[] body = batch(rows).getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(24 << 20);
        Http.Answer a = http.post(db.path(), encode("zstd", body), "zstd");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(http.post(db.path(), resolved(hlc(T + 2))).status()).isEqualTo(200);
        assertThat(failback.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(60))).isTrue();
        assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("17");
        assertThat(db.one("SELECT length(v) FROM $S.kv WHERE id = 100")).isEqualTo("" + (8 << 20));
    }

    private static byte[] encode(String coding, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = coding.equals("gzip") ? new GZIPOutputStream(out) : new ZstdOutputStream(out)) {
            c.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
