package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.TestSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schema changes in the target while Failback runs, on each target: a column added (rows without it
 * keep its value, rows with it are accepted without a restart), a column dropped (refused with the
 * table and column named, or ignored with {@code ignoreUnknownColumns}), a table created after start,
 * a table missing (404 until it exists, then the retried batch is accepted), a table dropped while rows
 * for it are staged, and a NOT NULL column the
 * changefeed does not send (a poison row naming it). Each case checks the answer, the error text and
 * what the target holds. See docs/architecture.md, "Schema changes while running".
 */
class SchemaDriftIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private static WebhookResponse post(Failback f, TestSchema db, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return f.webhookHandler().handle(new WebhookRequest("POST", db.path(), null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
    }

    private static void ok(Failback f, TestSchema db, String body) {
        WebhookResponse r = post(f, db, body);
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }

    /** Sends a resolved timestamp and waits until it is applied. */
    private static void applied(Failback f, TestSchema db, long wall) throws InterruptedException {
        ok(f, db, resolved(hlc(wall)));
        assertThat(f.awaitApplied(new Hlc(wall, 0), Duration.ofSeconds(30))).as("applied " + wall + ": "
                + f.status().lastError()).isTrue();
    }

    /** A message upserting {@code id} with the given JSON members. */
    private static String row(String table, long id, String members, long wall) {
        return "{\"after\": {\"id\": " + id + ", " + members + "}, \"key\": [" + id + "], \"topic\": \"" + table
                + "\", \"updated\": \"" + hlc(wall) + "\"}";
    }

    private static Failback.Builder builder(TestSchema db, String name) {
        return Failback.builder().disableAuthentication().name(name).target(db.dataSource())
                .stagingSchema(db.stagingSchema()).createStagingSchema(true);
    }

    private static TestSchema kv(TestSchema.Kind kind, String prefix, String extraColumns) throws Exception {
        TestSchema db = kind.create(prefix);
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL" + extraColumns + ")");
        return db;
    }

    private static String staged(TestSchema db) throws Exception {
        String table = db instanceof MariaDbDatabase ? "`" + db.stagingSchema() + "`.mutations" : db.stagingSchema() + ".mutations";
        return db.one("SELECT count(*) FROM " + table);
    }

    private static List<String> values(String... values) {
        return Arrays.asList(values);
    }

    /** a. A nullable column and a column with a default added to the target while running. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void columnAddedToTheTargetKeepsItsValueAndIsAcceptedOnceTheChangefeedSendsIt(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_add", "");
                Failback f = builder(db, "drift-add-" + kind).start()) {
            ok(f, db, batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "a", hlc(T + 1))));
            applied(f, db, T + 1);

            db.execute("ALTER TABLE $S.kv ADD COLUMN n int DEFAULT 7, ADD COLUMN note text");
            db.execute("UPDATE $S.kv SET n = 42, note = 'kept' WHERE id = 1");
            // the changefeed does not send the new columns yet (the source lacks them)
            ok(f, db, batch(upsert("kv", 1, "b", hlc(T + 2)), upsert("kv", 3, "c", hlc(T + 2))));
            applied(f, db, T + 2);
            assertThat(db.query("SELECT id, v, n, note FROM $S.kv ORDER BY id")).as("update keeps, insert defaults")
                    .containsExactly(values("1", "b", "42", "kept"), values("2", "a", "7", null),
                            values("3", "c", "7", null));

            // now it does (added to the source too): accepted at once, no restart
            ok(f, db, batch(row("kv", 4, "\"v\": \"d\", \"n\": 5, \"note\": \"new\"", T + 3),
                    row("kv", 1, "\"v\": \"e\", \"n\": 6, \"note\": null", T + 3)));
            applied(f, db, T + 3);
            assertThat(db.query("SELECT id, v, n, note FROM $S.kv ORDER BY id")).containsExactly(
                    values("1", "e", "6", null), values("2", "a", "7", null), values("3", "c", "7", null),
                    values("4", "d", "5", "new"));

            // a column the target never had: refused after one schema re-read, naming table and column
            WebhookResponse r = post(f, db, batch(row("kv", 5, "\"v\": \"f\"", T + 4),
                    row("kv", 6, "\"v\": \"g\", \"colour\": \"red\"", T + 4)));
            assertThat(r.status()).as(r.message()).isEqualTo(400);
            assertThat(r.message()).contains("payload[1]", "kv", "has no column \"colour\"", "ignoreUnknownColumns",
                    "nothing was staged");
            assertThat(staged(db)).isEqualTo("0");
            assertThat(f.status().lastError()).isNull();
        }
    }

    /** b. A column dropped from the target: refused with the table and column named, until it is back. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void columnDroppedFromTheTargetStopsWithTheTableAndColumnNamedUntilItIsBack(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_drop", ", extra text");
                Failback f = builder(db, "drift-drop-" + kind).start()) {
            ok(f, db, batch(row("kv", 1, "\"v\": \"a\", \"extra\": \"x1\"", T + 1)));
            applied(f, db, T + 1);

            db.execute("ALTER TABLE $S.kv DROP COLUMN extra");
            // not known yet (the schema is re-read every schemaRefresh, 1 min): staged
            ok(f, db, batch(row("kv", 2, "\"v\": \"b\", \"extra\": \"x2\"", T + 2)));
            ok(f, db, resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(3))).isFalse();
            String error = f.status().lastError();
            System.out.printf("%s staged row, column dropped: %s%n", kind, error);
            assertThat(error).contains("schema drift: table ", "kv", "has no column \"extra\"", "key [2]",
                    new Hlc(T + 2, 0).toString(), "Add it back", "ignoreUnknownColumns");
            assertThat(f.status().lastResolvedApplied()).isEqualTo(new Hlc(T + 1, 0));

            // the failed apply re-read the schema: new rows carrying the column are refused, nothing staged
            String before = staged(db);
            WebhookResponse r = post(f, db, batch(row("kv", 3, "\"v\": \"c\", \"extra\": \"x3\"", T + 3)));
            System.out.printf("%s new row, column dropped: %d %s%n", kind, r.status(), r.message());
            assertThat(r.status()).as(r.message()).isEqualTo(400);
            assertThat(r.message()).contains("payload[0]", "kv", "has no column \"extra\"", "nothing was staged");
            assertThat(staged(db)).isEqualTo(before);

            db.execute("ALTER TABLE $S.kv ADD COLUMN extra text");
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(60))).as("the retry applies").isTrue();
            assertThat(db.query("SELECT id, v, extra FROM $S.kv ORDER BY id")).containsExactly(
                    values("1", "a", null), values("2", "b", "x2"));
            assertThat(f.status().lastError()).isNull();
        }
    }

    /** b. With ignoreUnknownColumns, a dropped column's values are dropped, staged or new. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void columnDroppedFromTheTargetIsLeftOutWithIgnoreUnknownColumns(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_ignore", ", extra text");
                Failback f = builder(db, "drift-ignore-" + kind).ignoreUnknownColumns(true).start()) {
            ok(f, db, batch(row("kv", 1, "\"v\": \"a\", \"extra\": \"x1\"", T + 1)));
            applied(f, db, T + 1);

            db.execute("ALTER TABLE $S.kv DROP COLUMN extra");
            ok(f, db, batch(row("kv", 2, "\"v\": \"b\", \"extra\": \"x2\"", T + 2),
                    row("kv", 1, "\"v\": \"a2\", \"extra\": \"x1b\"", T + 2)));
            applied(f, db, T + 2); // staged with the column, applied without it
            ok(f, db, batch(row("kv", 3, "\"v\": 1.10, \"extra\": {\"deep\": [1, 2]}", T + 3)));
            applied(f, db, T + 3); // received after the drop: left out before staging
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a2"),
                    values("2", "b"), values("3", "1.10"));

            // a source that keeps the column: every row of every batch carries it, none is held up
            long start = System.nanoTime();
            for (int b = 0; b < 5; b++) {
                List<String> rows = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int id = 100 + b * 200 + i;
                    rows.add(row("kv", id, "\"v\": \"r" + id + "\", \"extra\": \"x\"", T + 4));
                }
                ok(f, db, batch(rows));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%s ignoreUnknownColumns: 5 batches x 200 rows carrying a dropped column in %d ms%n",
                    kind, millis);
            assertThat(millis).as("no wait per row or per request").isLessThan(5_000);
            applied(f, db, T + 4);
            assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("1003");
            assertThat(f.status().lastError()).isNull();
        }
    }

    /** b. Immediate mode: a batch carrying a column just dropped from the target is a 400 naming it. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void columnDroppedFromTheTargetIsA400InImmediateMode(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_imm", ", extra text");
                Failback f = builder(db, "drift-imm-" + kind).mode(Mode.IMMEDIATE).start()) {
            ok(f, db, batch(row("kv", 1, "\"v\": \"a\", \"extra\": \"x1\"", T + 1)));
            db.execute("ALTER TABLE $S.kv DROP COLUMN extra");
            WebhookResponse r = post(f, db, batch(row("kv", 2, "\"v\": \"b\", \"extra\": \"x2\"", T + 2)));
            assertThat(r.status()).as(r.message()).isEqualTo(400);
            assertThat(r.message()).contains("schema drift", "kv", "has no column \"extra\"");
            r = post(f, db, batch(row("kv", 2, "\"v\": \"b\", \"extra\": \"x2\"", T + 2)));
            assertThat(r.status()).as(r.message()).isEqualTo(400);
            assertThat(r.message()).contains("payload[0]", "kv", "has no column \"extra\"", "nothing was staged");
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a"));
            ok(f, db, batch(row("kv", 2, "\"v\": \"b\"", T + 3)));
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a"),
                    values("2", "b"));
        }
    }

    /** c. A table created in the target after start, then sent by the changefeed. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void tableCreatedInTheTargetWhileRunningIsAcceptedWithoutRestart(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_new", "");
                Failback f = builder(db, "drift-new-" + kind).start()) {
            ok(f, db, batch(upsert("kv", 1, "a", hlc(T + 1))));
            applied(f, db, T + 1);
            db.execute("CREATE TABLE $S.later (id bigint PRIMARY KEY, v text NOT NULL)");
            ok(f, db, batch(upsert("later", 1, "x", hlc(T + 2)), upsert("kv", 2, "b", hlc(T + 2)),
                    upsert("later", 2, "y", hlc(T + 2))));
            applied(f, db, T + 2);
            assertThat(db.query("SELECT id, v FROM $S.later ORDER BY id")).containsExactly(values("1", "x"),
                    values("2", "y"));
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a"),
                    values("2", "b"));
        }
    }

    /** d. A table missing in the target: 404 naming it, nothing staged; the retry after creating it is accepted. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void tableMissingInTheTargetIs404UntilCreatedThenTheRetryIsAccepted(TestSchema.Kind kind) throws Exception {
        SlowDataSource target;
        try (TestSchema db = kv(kind, "drift_missing", "")) {
            target = new SlowDataSource(db.dataSource());
            try (Failback f = Failback.builder().disableAuthentication().name("drift-missing-" + kind).target(target)
                    .staging(db.dataSource()).stagingSchema(db.stagingSchema()).createStagingSchema(true).start()) {
                String body = batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("missing", 7, "m", hlc(T + 1)));
                WebhookResponse r = post(f, db, body);
                System.out.printf("%s table missing: %d %s%n", kind, r.status(), r.message());
                assertThat(r.status()).as(r.message()).isEqualTo(404);
                assertThat(r.message()).contains("payload[1]", "unknown table \"missing\"", db.name(),
                        "nothing was staged");
                assertThat(staged(db)).isEqualTo("0");

                // the changefeed retries, again and again: a few schema reads a second, not one per request
                long connections = target.connections();
                long start = System.nanoTime();
                AtomicInteger refused = new AtomicInteger();
                List<Thread> senders = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Thread t = new Thread(() -> {
                        for (int k = 0; k < 5; k++) {
                            if (post(f, db, body).status() == 404) {
                                refused.incrementAndGet();
                            }
                        }
                    });
                    t.start();
                    senders.add(t);
                }
                for (Thread t : senders) {
                    t.join();
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                long reads = target.connections() - connections;
                System.out.printf("%s table missing: %d retries in %d ms -> %d target connections (schema reads)%n",
                        kind, refused.get(), millis, reads);
                assertThat(refused.get()).isEqualTo(20);
                assertThat(reads).isLessThanOrEqualTo(millis / 250 + 2);

                db.execute("CREATE TABLE $S.missing (id bigint PRIMARY KEY, v text NOT NULL)");
                ok(f, db, body);
                applied(f, db, T + 1);
                assertThat(db.query("SELECT id, v FROM $S.missing")).containsExactly(values("7", "m"));
                assertThat(db.query("SELECT id, v FROM $S.kv")).containsExactly(values("1", "a"));
            }
        }
    }

    /** A table dropped from the target while rows for it wait in staging: named, retried until it is back. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void tableDroppedWithRowsStagedStopsWithTheTableNamedUntilItIsCreatedAgain(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_gone", "");
                Failback f = builder(db, "drift-gone-" + kind).start()) {
            db.execute("CREATE TABLE $S.gone (id bigint PRIMARY KEY, v text NOT NULL)");
            ok(f, db, batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("gone", 1, "a", hlc(T + 1))));
            applied(f, db, T + 1);

            db.execute("DROP TABLE $S.gone");
            ok(f, db, batch(upsert("gone", 2, "b", hlc(T + 2)), upsert("kv", 2, "b", hlc(T + 2)))); // not known yet
            ok(f, db, resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(3))).isFalse();
            String error = f.status().lastError();
            System.out.printf("%s staged rows, table dropped: %s%n", kind, error);
            assertThat(error).contains("schema drift: table ", "gone", "is not in the target any more", "key [2]",
                    new Hlc(T + 2, 0).toString(), "create the table again");
            WebhookResponse r = post(f, db, batch(upsert("gone", 3, "c", hlc(T + 3))));
            assertThat(r.status()).as(r.message()).isEqualTo(404);
            assertThat(r.message()).contains("unknown table \"gone\"");
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a"));

            db.execute("CREATE TABLE $S.gone (id bigint PRIMARY KEY, v text NOT NULL)");
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(60))).isTrue();
            assertThat(db.query("SELECT id, v FROM $S.gone ORDER BY id")).containsExactly(values("2", "b"));
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(values("1", "a"),
                    values("2", "b"));
            assertThat(f.status().lastError()).isNull();
        }
    }

    /** e. A NOT NULL column without default that the changefeed does not send: a poison row naming it. */
    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void notNullColumnWithoutDefaultTheChangefeedLacksIsAPoisonRowNamingIt(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kv(kind, "drift_notnull", "");
                Failback f = builder(db, "drift-notnull-" + kind).start()) {
            ok(f, db, batch(upsert("kv", 1, "a", hlc(T + 1))));
            applied(f, db, T + 1);
            db.execute("ALTER TABLE $S.kv ADD COLUMN n int NOT NULL DEFAULT 0");
            db.execute("ALTER TABLE $S.kv ALTER COLUMN n DROP DEFAULT");

            ok(f, db, batch(upsert("kv", 1, "b", hlc(T + 2)), upsert("kv", 2, "c", hlc(T + 2))));
            ok(f, db, resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(3))).isFalse();
            String error = f.status().lastError();
            System.out.printf("%s NOT NULL column not sent: %s%n", kind, error);
            assertThat(error).contains("poison row: upsert into ", "kv", "key [", new Hlc(T + 2, 0).toString());
            if (kind == TestSchema.Kind.POSTGRESQL) {
                assertThat(error).contains("column n", "23502", "null value in column \"n\"");
            } else {
                assertThat(error).contains("1364", "Field 'n' doesn't have a default value");
            }
            assertThat(db.query("SELECT id, v, n FROM $S.kv ORDER BY id")).containsExactly(values("1", "a", "0"));

            db.execute("ALTER TABLE $S.kv ALTER COLUMN n SET DEFAULT 9");
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(60))).isTrue();
            assertThat(db.query("SELECT id, v, n FROM $S.kv ORDER BY id")).containsExactly(values("1", "b", "0"),
                    values("2", "c", "9"));
            assertThat(f.status().lastError()).isNull();
        }
    }
}
