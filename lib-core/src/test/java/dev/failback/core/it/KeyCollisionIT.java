package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Posts.ok;
import static dev.failback.core.it.Posts.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.WebhookResponse;
import dev.failback.testing.TestSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys the target compares differently from CockroachDB, through the whole pipeline, on MariaDB: two
 * source rows whose keys the target would store as one ({@code 'a'} and {@code 'A'} under the server's
 * default {@code utf8mb4_general_ci}; {@code 498.765} and {@code 498.774} in a {@code DECIMAL(6,2)} key)
 * are refused as a poison row naming the table, both keys and the collation, never merged; the group
 * resumes once the column is fixed; with dead letters the later key is set aside; with
 * {@code refuseFoldingKeys} the schema is not served at all. The same on PostgreSQL, with a
 * nondeterministic (case-insensitive ICU) collation and a {@code character(n)} key, and on Oracle
 * (H2 in Oracle mode) with a {@code NUMBER(6,2)} key.
 */
class KeyCollisionIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private static String code(String code, String label, long wall) {
        return "{\"after\": {\"code\": \"" + code + "\", \"label\": \"" + label + "\"}, \"key\": [\"" + code
                + "\"], \"topic\": \"codes\", \"updated\": \"" + hlc(wall) + "\"}";
    }

    private static String price(String price, String label, long wall) {
        return "{\"after\": {\"price\": " + price + ", \"label\": \"" + label + "\"}, \"key\": [" + price
                + "], \"topic\": \"prices\", \"updated\": \"" + hlc(wall) + "\"}";
    }

    private static TestSchema schema(String prefix) throws Exception {
        TestSchema db = TestSchema.Kind.MARIADB.create(prefix);
        db.execute("CREATE TABLE $S.codes (code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
                        + " PRIMARY KEY, label text NOT NULL)",
                "CREATE TABLE $S.prices (price decimal(6,2) PRIMARY KEY, label text NOT NULL)");
        return db;
    }

    private static Failback.Builder builder(TestSchema db, String name) {
        return Failback.builder().disableAuthentication().name(name).target(db.dataSource())
                .stagingSchema(db.stagingSchema()).createStagingSchema(true).schemaRefresh(Duration.ofSeconds(1));
    }

    @Test
    void twoKeysTheCollationMergesStopTheGroupNamingBothAndResumeOnceTheColumnIsFixed() throws Exception {
        try (TestSchema db = schema("keys_stop");
                Failback f = builder(db, "keys-stop").start()) {
            ok(f, db.path(), batch(code("b", "before", T + 1)));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            ok(f, db.path(), batch(code("a", "lower", T + 2), code("A", "upper", T + 3), code("c", "other", T + 3)));
            ok(f, db.path(), resolved(hlc(T + 3)));

            assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(3))).isFalse();
            Status s = f.status();
            assertThat(s.lastResolvedApplied()).isEqualTo(new Hlc(T + 1, 0));
            assertThat(s.lastError()).contains("key collision in", "codes", "[\"a\"]", "[\"A\"]",
                    "utf8mb4_general_ci", "nothing of the window was applied", "ALTER TABLE", "utf8mb4_nopad_bin");
            assertThat(db.query("SELECT code, label FROM $S.codes ORDER BY code")).as("nothing merged, nothing torn")
                    .containsExactly(List.of("b", "before"));

            db.execute("ALTER TABLE $S.codes MODIFY code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
                    + " NOT NULL");
            assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(60))).isTrue();
            assertThat(db.query("SELECT code, label FROM $S.codes ORDER BY code")).containsExactly(
                    List.of("A", "upper"), List.of("a", "lower"), List.of("b", "before"), List.of("c", "other"));
            assertThat(f.status().lastError()).isNull();
        }
    }

    @Test
    void keysTheColumnRoundsToOneValueAreRefused() throws Exception {
        try (TestSchema db = schema("keys_round");
                Failback f = builder(db, "keys-round").start()) {
            ok(f, db.path(), batch(price("498.765", "first", T + 1), price("498.774", "second", T + 1)));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(3))).isFalse();
            assertThat(f.status().lastError()).contains("prices", "[498.765]", "[498.774]", "decimal(6,2)",
                    "rounds to 2 decimal places");
            assertThat(db.one("SELECT count(*) FROM $S.prices")).isEqualTo("0");
        }
    }

    @Test
    void aKeyUpdatedToAnotherCaseInOneWindowIsAppliedNotRefused() throws Exception {
        try (TestSchema db = schema("keys_case");
                Failback f = builder(db, "keys-case").start()) {
            ok(f, db.path(), batch(code("Bob", "first", T + 1)));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            // UPDATE codes SET code = 'bob' WHERE code = 'Bob' in CockroachDB: a delete and an upsert, one timestamp
            ok(f, db.path(), batch("{\"after\": null, \"key\": [\"Bob\"], \"topic\": \"codes\", \"updated\": \""
                    + hlc(T + 2) + "\"}", code("bob", "renamed", T + 2)));
            ok(f, db.path(), resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(db.query("SELECT code, label FROM $S.codes")).containsExactly(List.of("bob", "renamed"));
        }
    }

    @Test
    void aRoundedKeyIsDeletedByTheSameSourceKey() throws Exception {
        try (TestSchema db = schema("keys_delete");
                Failback f = builder(db, "keys-delete").start()) {
            ok(f, db.path(), batch(price("498.765", "first", T + 1)));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(db.one("SELECT price FROM $S.prices")).isEqualTo("498.77");
            ok(f, db.path(), batch("{\"after\": null, \"key\": [498.765], \"topic\": \"prices\", \"updated\": \""
                    + hlc(T + 2) + "\"}"));
            ok(f, db.path(), resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(db.one("SELECT count(*) FROM $S.prices")).as("the delete found the row its upsert wrote")
                    .isEqualTo("0");
        }
    }

    @Test
    void withDeadLettersTheLaterKeyIsSetAsideAndTheRestApplied() throws Exception {
        try (TestSchema db = schema("keys_dl");
                Failback f = builder(db, "keys-dl").deadLetter(true).start()) {
            ok(f, db.path(), batch(code("a", "lower", T + 1), code("A", "upper", T + 2), code("b", "other", T + 2)));
            ok(f, db.path(), resolved(hlc(T + 2)));
            assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(30))).isTrue();
            assertThat(db.query("SELECT code, label FROM $S.codes ORDER BY code")).containsExactly(
                    List.of("a", "lower"), List.of("b", "other"));
            assertThat(db.query("SELECT `key`, reason FROM `" + db.stagingSchema() + "`.dead_letters"))
                    .singleElement().satisfies(row -> {
                        assertThat(row.get(0)).isEqualTo("[\"A\"]");
                        assertThat(row.get(1)).contains("key collision", "[\"a\"]", "utf8mb4_general_ci");
                    });
            assertThat(f.status().counters().deadLettered()).isEqualTo(1);
        }
    }

    @Test
    void immediateModeRefusesTheRequestAndMergesNothing() throws Exception {
        try (TestSchema db = schema("keys_imm");
                Failback f = builder(db, "keys-imm").mode(Mode.IMMEDIATE).start()) {
            WebhookResponse r = post(f, db.path(), batch(code("a", "lower", T + 1), code("A", "upper", T + 2)));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.message()).contains("key collision", "[\"a\"]", "[\"A\"]", "utf8mb4_general_ci");
            assertThat(db.one("SELECT count(*) FROM $S.codes")).isEqualTo("0");
        }
    }

    @Test
    void eachKeyColumnThatCanMergeKeysIsLoggedAtWarnOnceWithItsFixBeforeTheFirstRowIsStaged() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        try (TestSchema db = schema("keys_warn");
                Failback f = builder(db, "keys-warn").start()) {
            String codes = "WARN dev.failback.core.internal.SchemaCache - key column " + db.name() + ".codes.code"
                    + " (varchar(20)): collation utf8mb4_general_ci compares 'a' = 'A', 'e' = 'é', 'a' = 'a ', so two"
                    + " source rows can become one target row; fix: ALTER TABLE `" + db.name() + "`.`codes` MODIFY"
                    + " `code` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL";
            ok(f, db.path(), batch(code("a", "lower", T + 1)));
            System.err.flush();
            assertThat(captured.toString(StandardCharsets.UTF_8)).as("logged by the time the first row is staged")
                    .contains(codes, "key column " + db.name() + ".prices.price (decimal(6,2)): rounds to 2 decimal"
                            + " places");
            Thread.sleep(1_500); // schemaRefresh is 1 s: the next request reads the schema again
            ok(f, db.path(), batch(code("b", "other", T + 2)));
            System.err.flush();
            assertThat(captured.toString(StandardCharsets.UTF_8).split(java.util.regex.Pattern.quote(codes), -1))
                    .as("once, not at every read").hasSize(2);
        } finally {
            System.err.flush();
            System.setErr(originalErr);
        }
    }

    @Test
    void refuseFoldingKeysServesNoRowOfTheSchemaUntilTheColumnsAreFixed() throws Exception {
        try (TestSchema db = schema("keys_refuse");
                Failback f = builder(db, "keys-refuse").refuseFoldingKeys(true).start()) {
            WebhookResponse r = post(f, db.path(), batch(code("a", "lower", T + 1)));
            assertThat(r.status()).as("the operator can fix it: the changefeed retries").isEqualTo(503);
            assertThat(r.message()).contains("refuseFoldingKeys", "codes.code", "utf8mb4_general_ci", "prices.price",
                    "ALTER TABLE");

            db.execute("ALTER TABLE $S.codes MODIFY code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
                    + " NOT NULL", "ALTER TABLE $S.prices MODIFY price varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL");
            Thread.sleep(1_500); // the refused snapshot is not kept: the next request reads the schema again
            ok(f, db.path(), batch(code("a", "lower", T + 1)));
            ok(f, db.path(), resolved(hlc(T + 1)));
            assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
            assertThat(db.one("SELECT label FROM $S.codes")).isEqualTo("lower");
        }
    }

    @Test
    void onPostgresqlKeysANondeterministicCollationMergesStopTheGroupAndTrailingSpaceKeysAreDeleted() throws Exception {
        try (TestSchema db = TestSchema.Kind.POSTGRESQL.create("keys_pg")) {
            db.execute("CREATE COLLATION $S.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE TABLE $S.codes (code text COLLATE $S.ci PRIMARY KEY, label text NOT NULL)",
                    "CREATE TABLE $S.fixed (code character(5) PRIMARY KEY, label text NOT NULL)");
            try (Failback f = builder(db, "keys-pg").start()) {
                ok(f, db.path(), batch(code("a", "lower", T + 1), code("A", "upper", T + 2)));
                ok(f, db.path(), resolved(hlc(T + 2)));
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(3))).isFalse();
                assertThat(f.status().lastError()).contains("key collision in", "codes", "[\"a\"]", "[\"A\"]",
                        "collation", "ci", "ALTER TABLE");
                assertThat(db.one("SELECT count(*) FROM $S.codes")).isEqualTo("0");
            }
        }
    }

    @Test
    void onPostgresqlACharacterKeyWithTrailingSpacesIsDeletedByTheSameSourceKey() throws Exception {
        try (TestSchema db = TestSchema.Kind.POSTGRESQL.create("keys_pg_char")) {
            db.execute("CREATE TABLE $S.codes (code character(5) PRIMARY KEY, label text NOT NULL)");
            try (Failback f = builder(db, "keys-pg-char").start()) {
                ok(f, db.path(), batch(code("a  ", "padded", T + 1)));
                ok(f, db.path(), resolved(hlc(T + 1)));
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.codes")).isEqualTo("1");
                ok(f, db.path(), batch("{\"after\": null, \"key\": [\"a  \"], \"topic\": \"codes\", \"updated\": \""
                        + hlc(T + 2) + "\"}"));
                ok(f, db.path(), resolved(hlc(T + 2)));
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.codes")).as("the delete found the row its upsert wrote")
                        .isEqualTo("0");
            }
        }
    }

    @Test
    void onOracleNumberKeysTheColumnRoundsToOneValueAreRefusedAndARoundedKeyIsDeleted() throws Exception {
        try (H2Oracle db = new H2Oracle("keys_ora")) {
            db.execute("CREATE TABLE $S.PRICES (PRICE NUMBER(6,2) PRIMARY KEY, LABEL VARCHAR2(100) NOT NULL)");
            try (Failback f = Failback.builder().disableAuthentication().name("keys-ora").target(db.dataSource())
                    .staging(db.stagingDataSource()).stagingSchema(db.stagingSchema()).createStagingSchema(true)
                    .schemaRefresh(Duration.ofSeconds(1)).start()) {
                ok(f, db.path(), batch(price("498.765", "first", T + 1)));
                ok(f, db.path(), resolved(hlc(T + 1)));
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT PRICE FROM $S.PRICES")).isEqualTo("498.77");
                ok(f, db.path(), batch("{\"after\": null, \"key\": [498.765], \"topic\": \"prices\", \"updated\": \""
                        + hlc(T + 2) + "\"}"));
                ok(f, db.path(), resolved(hlc(T + 2)));
                assertThat(f.awaitApplied(new Hlc(T + 2, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.PRICES")).as("the delete found the row its upsert wrote")
                        .isEqualTo("0");

                ok(f, db.path(), batch(price("498.765", "first", T + 3), price("498.774", "second", T + 3)));
                ok(f, db.path(), resolved(hlc(T + 3)));
                assertThat(f.awaitApplied(new Hlc(T + 3, 0), Duration.ofSeconds(3))).isFalse();
                assertThat(f.status().lastError()).contains("key collision in", "PRICES", "[498.765]", "[498.774]",
                        "NUMBER(6,2)", "498.77", "ALTER TABLE");
                assertThat(db.one("SELECT count(*) FROM $S.PRICES")).isEqualTo("0");
            }
        }
    }
}
