package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.ingress.FuzzInputs;
import dev.failback.testing.PostgresSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Time-bounded fuzzing of the webhook handler on real PostgreSQL with the HR schema: mutated fixture
 * bodies ({@link FuzzInputs}), random methods, paths, {@code Content-Encoding} headers and
 * {@code Content-Length}s, posted straight to {@link Failback#webhookHandler()}. Every answer is a 2xx
 * or a 4xx, never a 5xx, and a 4xx stages nothing.
 *
 * <p>{@code -Dfailback.fuzz.seed=N} replays a run; {@code -Dfailback.fuzz.seconds=S} (default 30) bounds it.
 */
class HandlerFuzzIT {

    private static final String[] METHODS = {"POST", "POST", "POST", "POST", "PUT", "GET", "DELETE", "PATCH", "", "post"};

    @Test
    void everyAnswerIs2xxOr4xxAndA4xxStagesNothing() throws Exception {
        long seed = Long.getLong("failback.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("failback.fuzz.seconds", 30);
        System.out.println("HandlerFuzzIT: seed " + seed + " (replay with -Dfailback.fuzz.seed=" + seed + "), "
                + seconds + " s");
        FuzzInputs inputs = new FuzzInputs(seed, HandlerFuzzIT.class);
        Random random = inputs.random();
        try (PostgresSchema db = PostgresSchema.create("hfuzz", "hr.sql");
                Failback failback = Failback.builder().disableAuthentication().name("hfuzz").target(db.dataSource())
                        .stagingSchema(db.name() + "_staging").createStagingSchema(true)
                        .maxBodyBytes(1 << 20).start()) {
            String[] paths = {
                db.path(), db.path(), db.path(), db.path(), db.path() + "/", db.path() + "/employees", "/",
                "", "/" + db.database(), "/" + db.database() + "/nosuchschema", "//", db.path() + "/../x",
                "/" + db.database() + "/" + db.name().toUpperCase(), "/%00/%ff", db.path() + "?x=1",
                "/" + "a".repeat(10_000), "/a/b/c/d/e/f",
            };
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long executions = 0;
            int[] statuses = new int[600];
            while (System.nanoTime() < deadline) {
                FuzzInputs.Input input = inputs.next();
                boolean odd = random.nextInt(10) == 0; // mostly a well-addressed POST, so the body gets checked
                String method = odd ? METHODS[random.nextInt(METHODS.length)] : "POST";
                String path = odd ? paths[random.nextInt(paths.length)] : db.path();
                byte[] body = input.body();
                long length = switch (random.nextInt(10)) {
                    case 0 -> -1;
                    case 1 -> random.nextInt(body.length + 2);
                    default -> body.length;
                };
                Map<String, List<String>> headers = input.contentEncoding() == null ? Map.of()
                        : Map.of(random.nextBoolean() ? "Content-Encoding" : "content-encoding", List.of(input.contentEncoding()));
                long stagedBefore = failback.status().counters().staged();
                WebhookResponse r = failback.webhookHandler().handle(new WebhookRequest(method, path, null, headers,
                        new ByteArrayInputStream(body), length));
                executions++;
                String what = "seed " + seed + ", input " + executions + ": " + method + " " + path.substring(0,
                        Math.min(path.length(), 80)) + " Content-Length=" + length + " " + input.describe()
                        + " -> " + r.status() + " " + r.message();
                assertThat(r.status() / 100).as(what).isIn(2, 4);
                statuses[r.status()]++;
                if (r.status() >= 400) {
                    assertThat(failback.status().counters().staged()).as("staged by a 4xx: " + what).isEqualTo(stagedBefore);
                }
            }
            StringBuilder summary = new StringBuilder();
            for (int s = 0; s < statuses.length; s++) {
                if (statuses[s] > 0) {
                    summary.append(' ').append(statuses[s]).append(" x ").append(s).append(',');
                }
            }
            System.out.println("HandlerFuzzIT: " + executions + " executions," + summary + " "
                    + failback.status().counters().staged() + " mutations staged (seed " + seed + ")");
            assertThat(statuses[200]).as("some bodies are accepted").isPositive();
            assertThat(failback.state()).isNotNull();
        }
    }

    /**
     * Found by the fuzzer (seed 7314887013599): a key too large for the staging table's primary key
     * index (PostgreSQL "index row size exceeds btree maximum", SQLState 54000) answered 503, so the
     * changefeed would have retried the same request forever. Now a 400 that stages nothing.
     */
    @Test
    void fuzzRegressionAKeyTooLargeForTheStagingIndexIs400NotA503() throws Exception {
        Random random = new Random(1);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 8000; i++) {
            key.append((char) ('a' + random.nextInt(26)));
        }
        byte[] body = ("{\"payload\":[{\"after\": null, \"key\": [\"" + key + "\"], \"topic\": \"employees\","
                + " \"updated\": \"1759246931287415902.0000000000\"}],\"length\":1}").getBytes(StandardCharsets.UTF_8);
        try (PostgresSchema db = PostgresSchema.create("hfuzzkey", "hr.sql");
                Failback failback = Failback.builder().disableAuthentication().name("hfuzzkey").target(db.dataSource())
                        .stagingSchema(db.name() + "_staging").createStagingSchema(true).start()) {
            WebhookResponse r = failback.webhookHandler().handle(new WebhookRequest("POST", db.path(), null, Map.of(),
                    new ByteArrayInputStream(body), body.length));
            assertThat(r.status()).as(r.message()).isEqualTo(400);
            assertThat(r.message()).contains("cannot stage", "54000").doesNotContain("\n");
            assertThat(failback.status().counters().staged()).isZero();
            assertThat(db.one("SELECT count(*) FROM " + db.name() + "_staging.mutations")).isEqualTo("0");
        }
    }
}
