package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.FailbackMetricNames;
import dev.failback.testing.PostgresSchema;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Consistent mode with staging in the target database (PostgreSQL): windows are applied from the staging
 * table by SQL on the server ({@code applyFromStaging}, the default), and must leave exactly what reading
 * them back into the JVM leaves. Each case posts the same bodies to a pipeline of each kind, on schemas of
 * their own, and compares the targets; the {@code failback.windows.from.staging} counter shows which way
 * the windows went.
 */
class ApplyFromStagingIT {
    private static final long T = 1_765_000_000_000_000_000L;
    private static final String TABLES = "CREATE TABLE $S.parent (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
            + " balance NUMERIC(12,2), flag BOOLEAN, at TIMESTAMPTZ, data BYTEA, u UUID, note VARCHAR(40),"
            + " doubled BIGINT GENERATED ALWAYS AS (id * 2) STORED);"
            + " CREATE TABLE $S.child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES $S.parent (id),"
            + " qty INTEGER NOT NULL);"
            + " CREATE TABLE $S.docs (id BIGINT PRIMARY KEY, body JSONB)";

    /** A pipeline on its own schema. */
    private static final class Side implements AutoCloseable {
        final PostgresSchema db;
        final Failback failback;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Side(String name, boolean fromStaging) throws Exception {
            db = PostgresSchema.create(name);
            for (String ddl : TABLES.split(";")) {
                db.execute(ddl.trim());
            }
            failback = Failback.builder().disableAuthentication().name(name).target(db.dataSource())
                    .stagingSchema(db.name() + "_staging").createStagingSchema(true).flushSize(25)
                    .applyFromStaging(fromStaging).meterRegistry(registry).start();
        }

        void post(String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            WebhookResponse r = failback.webhookHandler().handle(new WebhookRequest("POST", db.path(), null, Map.of(),
                    new ByteArrayInputStream(bytes), bytes.length));
            assertThat(r.status()).as(r.message()).isEqualTo(200);
        }

        void await(long wall) throws InterruptedException {
            assertThat(failback.awaitApplied(new Hlc(wall, 0), Duration.ofSeconds(30))).isTrue();
        }

        double fromStaging() {
            Counter c = registry.find(FailbackMetricNames.WINDOWS_FROM_STAGING).counter();
            return c == null ? 0 : c.count();
        }

        List<List<String>> rows(String table) throws Exception {
            return db.query("SELECT * FROM $S." + table + " ORDER BY id");
        }

        @Override
        public void close() throws Exception {
            failback.close();
            registry.close();
            db.close();
        }
    }

    private static String msg(String table, long id, String after, long wall) {
        return "{\"after\": " + after + ", \"key\": [" + id + "], \"topic\": \"" + table + "\", \"updated\": \""
                + hlc(wall) + "\"}";
    }

    private static String parent(long id, int version, Random random) {
        String[] balances = {"12.5", "1.5E+2", "-0.01", "4.321E+3", "9999999999.99", "0"};
        return "{\"id\": " + id + ", \"name\": \"p" + id + " v" + version + " \\\"q\\\" \\u00e9 \u2603\", \"balance\": "
                + (random.nextInt(5) == 0 ? "null" : balances[random.nextInt(balances.length)]) + ", \"flag\": "
                + random.nextBoolean() + ", \"at\": \"2026-01-0" + (1 + random.nextInt(9)) + "T03:04:05.123456Z\","
                + " \"data\": \"\\\\x6869" + Integer.toHexString(16 + random.nextInt(200)) + "\", \"u\": \""
                + new java.util.UUID(id, version) + "\", \"note\": " + (random.nextBoolean() ? "null" : "\"n" + version + "\"")
                + (random.nextBoolean() ? ", \"doubled\": " + (id * 2) : "") + "}";
    }

    @Test
    void windowsAppliedFromStagingLeaveWhatReadingThemBackLeaves() throws Exception {
        try (Side staged = new Side("fromstaging_a", true); Side read = new Side("fromstaging_b", false)) {
            Random random = new Random(17);
            Map<Long, Long> children = new TreeMap<>(); // child -> parent
            Map<Long, Integer> parents = new TreeMap<>();
            long wall = T;
            for (int tx = 0; tx < 200; tx++) {
                wall++;
                Map<String, String> msgs = new LinkedHashMap<>(); // one change per key in a source transaction
                for (int n = 1 + random.nextInt(6); n > 0; n--) {
                    int kind = random.nextInt(10);
                    if (kind < 4 || parents.isEmpty()) {
                        long id = 1 + random.nextInt(40);
                        int version = parents.merge(id, 1, Integer::sum);
                        msgs.put("parent" + id, msg("parent", id, parent(id, version, random), wall));
                    } else if (kind < 8) {
                        long id = 1 + random.nextInt(80);
                        List<Long> ids = new ArrayList<>(parents.keySet());
                        long p = ids.get(random.nextInt(ids.size()));
                        children.put(id, p);
                        msgs.put("child" + id, msg("child", id, "{\"id\": " + id + ", \"parent_id\": " + p + ", \"qty\": "
                                + random.nextInt(1000) + "}", wall));
                    } else if (kind == 8 && !children.isEmpty()) {
                        long id = new ArrayList<>(children.keySet()).get(random.nextInt(children.size()));
                        children.remove(id);
                        msgs.put("child" + id, msg("child", id, "null", wall));
                    } else {
                        long id = 1 + random.nextInt(40);
                        if (parents.containsKey(id) && !children.containsValue(id) && !msgs.containsKey("parent" + id)) {
                            parents.remove(id);
                            msgs.put("parent" + id, msg("parent", id, "null", wall));
                        }
                    }
                }
                // a parent deleted in this transaction is not referenced by a child it writes
                String body = batch(new ArrayList<>(msgs.values()));
                staged.post(body);
                read.post(body);
                if (tx % 20 == 19) {
                    staged.post(resolved(hlc(wall)));
                    read.post(resolved(hlc(wall)));
                }
            }
            staged.post(resolved(hlc(wall)));
            read.post(resolved(hlc(wall)));
            staged.await(wall);
            read.await(wall);
            for (String table : List.of("parent", "child")) {
                assertThat(staged.rows(table)).as(table).isEqualTo(read.rows(table)).isNotEmpty();
            }
            assertThat(staged.rows("parent")).extracting(r -> Long.parseLong(r.get(0)))
                    .containsExactlyElementsOf(parents.keySet());
            assertThat(staged.rows("child")).extracting(r -> Long.parseLong(r.get(0)))
                    .containsExactlyElementsOf(children.keySet());
            assertThat(staged.rows("parent").get(0).get(1)).contains("\"q\" \u00e9 \u2603");
            assertThat(staged.fromStaging()).as("windows applied from staging").isGreaterThan(10);
            assertThat(read.fromStaging()).as("windows applied from staging when turned off").isZero();
            assertThat(staged.failback.status().counters().upserts()).isEqualTo(read.failback.status().counters().upserts());
            assertThat(staged.failback.status().counters().deletes()).isEqualTo(read.failback.status().counters().deletes());
        }
    }

    @Test
    void aRowThatLacksAColumnOrATableWithJsonIsReadBackAndKeepsWhatTheRowLacks() throws Exception {
        try (Side staged = new Side("fromstaging_c", true); Side read = new Side("fromstaging_d", false)) {
            Random random = new Random(3);
            List<String> bodies = List.of(
                    batch(msg("parent", 1, parent(1, 1, random), T + 1), msg("parent", 2, parent(2, 1, random), T + 1)),
                    resolved(hlc(T + 1)),
                    // no "note" and no "balance": the read path leaves both as they are
                    batch(msg("parent", 1, "{\"id\": 1, \"name\": \"renamed\", \"flag\": true, \"at\": null,"
                            + " \"data\": null, \"u\": null}", T + 2)),
                    resolved(hlc(T + 2)),
                    batch(msg("docs", 7, "{\"id\": 7, \"body\": {\"b\": [1, 2.50, \"x\"], \"a\": null}}", T + 3)),
                    resolved(hlc(T + 3)),
                    // a key the JSON spells in another case than the column: the read path matches it
                    batch(msg("parent", 2, "{\"ID\": 2, \"name\": \"upper\", \"balance\": 1, \"flag\": false, \"at\": null,"
                            + " \"data\": null, \"u\": null, \"note\": \"n\"}", T + 4)),
                    resolved(hlc(T + 4)));
            double[] counts = new double[bodies.size()];
            List<String> first = null;
            for (int i = 0; i < bodies.size(); i++) {
                staged.post(bodies.get(i));
                read.post(bodies.get(i));
                if (i % 2 == 1) {
                    staged.await(T + 1 + i / 2);
                    read.await(T + 1 + i / 2);
                }
                counts[i] = staged.fromStaging();
                if (i == 1) {
                    first = staged.rows("parent").get(0);
                }
            }
            for (String table : List.of("parent", "child", "docs")) {
                assertThat(staged.rows(table)).as(table).isEqualTo(read.rows(table));
            }
            List<String> one = staged.rows("parent").get(0);
            assertThat(one.get(1)).isEqualTo("renamed");
            assertThat(one.get(7)).as("note, which the row lacked, kept").isEqualTo(first.get(7));
            assertThat(one.get(2)).as("balance, which the row lacked, kept").isEqualTo(first.get(2));
            assertThat(one.get(3)).as("flag, which the row carried, written").isEqualTo("t");
            assertThat(staged.rows("parent").get(1).get(1)).isEqualTo("upper");
            assertThat(counts[1]).as("the first window, every column present, from staging").isEqualTo(1);
            assertThat(counts[7]).as("the other windows read back").isEqualTo(1);
            assertThat(staged.rows("docs")).hasSize(1);
        }
    }
}
