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
import dev.failback.WebhookResponse;
import dev.failback.testing.TestSchema;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.RowOp;
import dev.failback.transform.SchemaTransform;
import dev.failback.transform.TableTransform;
import dev.failback.transform.TableWriter;
import dev.failback.transform.Transforms;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each intent of MOLT's userscript cookbook, once through the Java transform API and once through a
 * TypeScript userscript ({@code userscripts/cookbook.ts}, as a MOLT user writes it), on PostgreSQL and
 * MariaDB, in consistent and immediate modes: filter a table the target lacks, filter rows, route a table by key
 * range, fan a row out to two tables, rename, drop, add and compute columns, mask a column, soft delete
 * (a delete turned into an update at apply), the loop-prevention filter on a marker column, and at apply
 * a mapped column and deletes skipped for protected keys.
 */
class TransformIT {
    private static final long T = 1_759_246_900_000_000_000L;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (TestSchema.Kind kind : TestSchema.Kind.values()) {
            for (Mode mode : Mode.values()) {
                cases.add(Arguments.of(kind, mode));
            }
        }
        return cases.stream();
    }

    /** The target tables; the changefeed also sends emp, products, audit_log, which the target does not have. */
    private static TestSchema schema(TestSchema.Kind kind) throws Exception {
        TestSchema db = kind.create("transform");
        String text = kind == TestSchema.Kind.POSTGRESQL ? "text" : "varchar(200)";
        db.execute("CREATE TABLE $S.employees (id bigint PRIMARY KEY, name " + text + " NOT NULL, email " + text
                        + ", total decimal(12,2))",
                "CREATE TABLE $S.notes (id bigint PRIMARY KEY, body " + text + ")",
                "CREATE TABLE $S.products_a (id bigint PRIMARY KEY, label " + text + ")",
                "CREATE TABLE $S.products_b (id bigint PRIMARY KEY, label " + text + ")",
                "CREATE TABLE $S.orders (id bigint PRIMARY KEY, amount decimal(12,2))",
                "CREATE TABLE $S.order_audit (id bigint PRIMARY KEY, amount decimal(12,2))",
                "CREATE TABLE $S.accounts (id bigint PRIMARY KEY, owner " + text + ", is_deleted int NOT NULL DEFAULT 0)",
                "CREATE TABLE $S.kv (id bigint PRIMARY KEY, v " + text + ", _source " + text + ")");
        return db;
    }

    /** The MOLT name of the test schema: the webhook path's parts joined with a dot. */
    static String moltName(TestSchema db) {
        return db.path().substring(1).replace('/', '.');
    }

    /** The cookbook's intents in Java. */
    static Transforms javaTransforms(String schema) {
        SchemaTransform routing = new SchemaTransform() {
            @Override
            public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
                return route(row, meta, false);
            }

            @Override
            public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
                return route(row, meta, true);
            }
        };
        TableTransform softDelete = new TableTransform() {
            @Override
            public void onWrite(List<RowOp> ops, TableWriter writer) throws Exception {
                List<RowOp> upserts = new ArrayList<>();
                for (RowOp op : ops) {
                    if (op.delete()) {
                        try (PreparedStatement ps = writer.connection().prepareStatement(
                                "UPDATE " + writer.table().schema() + ".accounts SET is_deleted = 1 WHERE id = ?")) {
                            ps.setBigDecimal(1, (BigDecimal) op.key().get(0));
                            ps.executeUpdate();
                        }
                    } else {
                        upserts.add(op);
                    }
                }
                writer.write(upserts);
            }
        };
        TableTransform kv = new TableTransform() { // at apply: map a column, protect keys from deletes
            @Override
            public Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) {
                row.put("v", ((String) row.get("v")).toUpperCase(java.util.Locale.ROOT));
                return row;
            }

            @Override
            public List<Object> onRowDelete(List<Object> key, RowMeta meta) {
                return ((BigDecimal) key.get(0)).compareTo(BigDecimal.valueOf(100)) < 0 ? null : key;
            }
        };
        return Transforms.builder().schema(schema, routing).table("accounts", softDelete).table("kv", kv).build();
    }

    private static Route route(Map<String, Object> row, RowMeta meta, boolean delete) {
        switch (meta.table()) {
            case "audit_log": // a table the target does not have
                return Route.skip();
            case "notes": // soft-deleted rows are not replicated
                if (!delete && "1".equals(String.valueOf(row.get("is_deleted")))) {
                    return Route.skip();
                }
                row.remove("is_deleted");
                return Route.row(row);
            case "products": { // routed by key range
                BigDecimal id = id(row);
                row.remove(SchemaTransform.REPLICATION_KEY);
                row.put("id", id);
                return Route.to(id.compareTo(BigDecimal.valueOf(100)) <= 0 ? "products_a" : "products_b", row);
            }
            case "orders": // fanned out to an audit table, in the same transaction
                return Route.tables(Map.of("orders", List.of(row), "order_audit", List.of(new LinkedHashMap<>(row))));
            case "emp": { // renamed table; renamed, dropped, masked and computed columns
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", delete ? id(row) : row.get("emp_id"));
                if (!delete) {
                    out.put("name", row.get("emp_name"));
                    String email = (String) row.get("email");
                    out.put("email", email == null ? null : "***" + email.substring(email.indexOf('@')));
                    BigDecimal price = (BigDecimal) row.get("price");
                    BigDecimal qty = (BigDecimal) row.get("qty");
                    out.put("total", price.multiply(qty).setScale(2, RoundingMode.HALF_UP).toPlainString());
                }
                return Route.to("employees", out);
            }
            case "kv": // loop prevention: rows this target wrote come back through the changefeed
                return "target".equals(row.get("_source")) ? Route.skip() : Route.row(row);
            default:
                return Route.row(row);
        }
    }

    /** A key that may come as a column or, for a table the target lacks, as the replication key. */
    @SuppressWarnings("unchecked")
    private static BigDecimal id(Map<String, Object> row) {
        Object key = row.containsKey(SchemaTransform.REPLICATION_KEY)
                ? ((List<Object>) row.get(SchemaTransform.REPLICATION_KEY)).get(0) : row.get("id");
        return (BigDecimal) key;
    }

    private static String upsert(String table, String key, String after, long wall) {
        return "{\"after\": " + after + ", \"key\": [" + key + "], \"topic\": \"" + table + "\", \"updated\": \""
                + hlc(wall) + "\"}";
    }

    private static String delete(String table, String key, long wall) {
        return "{\"after\": null, \"key\": [" + key + "], \"topic\": \"" + table + "\", \"updated\": \"" + hlc(wall)
                + "\"}";
    }

    /** Applies a batch: posts it and, in consistent mode, its resolved timestamp, then waits for it. */
    private static void apply(Failback f, TestSchema db, Mode mode, long wall, String... messages) throws Exception {
        ok(f, db.path(), batch(messages));
        if (mode == Mode.CONSISTENT) {
            ok(f, db.path(), resolved(hlc(wall)));
            assertThat(f.awaitApplied(new Hlc(wall, 0), Duration.ofSeconds(30))).isTrue();
        }
    }

    static void runCookbook(TestSchema.Kind kind, Mode mode, java.util.function.Function<TestSchema, Transforms> transforms)
            throws Exception {
        try (TestSchema db = schema(kind);
                Failback f = Failback.builder().disableAuthentication().name("transform-" + kind + "-" + mode)
                        .target(db.dataSource()).stagingSchema(db.stagingSchema()).createStagingSchema(true)
                        .mode(mode).transforms(transforms.apply(db)).start()) {
            apply(f, db, mode, T + 1,
                    upsert("audit_log", "1", "{\"id\": 1, \"what\": \"login\"}", T + 1),
                    upsert("notes", "1", "{\"id\": 1, \"body\": \"kept\", \"is_deleted\": 0}", T + 1),
                    upsert("notes", "2", "{\"id\": 2, \"body\": \"gone\", \"is_deleted\": 1}", T + 1),
                    upsert("products", "7", "{\"id\": 7, \"label\": \"low\"}", T + 1),
                    upsert("products", "700", "{\"id\": 700, \"label\": \"high\"}", T + 1),
                    upsert("orders", "1", "{\"id\": 1, \"amount\": 12.50}", T + 1),
                    upsert("emp", "5", "{\"emp_id\": 5, \"emp_name\": \"Ada\", \"email\": \"ada@example.com\","
                            + " \"ssn\": \"123-45-6789\", \"price\": 19.99, \"qty\": 3}", T + 1),
                    upsert("accounts", "1", "{\"id\": 1, \"owner\": \"Bo\"}", T + 1),
                    upsert("kv", "1", "{\"id\": 1, \"v\": \"from source\", \"_source\": \"source\"}", T + 1),
                    upsert("kv", "2", "{\"id\": 2, \"v\": \"echo\", \"_source\": \"target\"}", T + 1));

            assertThat(f.status().counters().filtered()).as("audit_log, notes 2, kv 2").isEqualTo(3);
            assertThat(db.query("SELECT id, body FROM $S.notes")).containsExactly(List.of("1", "kept"));
            assertThat(db.query("SELECT id, label FROM $S.products_a")).containsExactly(List.of("7", "low"));
            assertThat(db.query("SELECT id, label FROM $S.products_b")).containsExactly(List.of("700", "high"));
            assertThat(db.query("SELECT id, amount FROM $S.orders")).containsExactly(List.of("1", "12.50"));
            assertThat(db.query("SELECT id, amount FROM $S.order_audit")).containsExactly(List.of("1", "12.50"));
            assertThat(db.query("SELECT id, name, email, total FROM $S.employees"))
                    .containsExactly(List.of("5", "Ada", "***@example.com", "59.97"));
            assertThat(db.query("SELECT id, owner, is_deleted FROM $S.accounts")).containsExactly(List.of("1", "Bo", "0"));
            assertThat(db.query("SELECT id, v FROM $S.kv")).containsExactly(List.of("1", "FROM SOURCE"));

            apply(f, db, mode, T + 2,
                    delete("products", "700", T + 2),
                    delete("emp", "5", T + 2),
                    delete("accounts", "1", T + 2),
                    delete("notes", "1", T + 2),
                    delete("kv", "1", T + 2),
                    delete("audit_log", "1", T + 2));
            assertThat(db.query("SELECT id FROM $S.products_b")).isEmpty();
            assertThat(db.query("SELECT id FROM $S.products_a")).containsExactly(List.of("7"));
            assertThat(db.query("SELECT id FROM $S.employees")).isEmpty();
            assertThat(db.query("SELECT id FROM $S.notes")).isEmpty();
            assertThat(db.query("SELECT id FROM $S.kv")).as("ids below 100 are protected").containsExactly(List.of("1"));
            assertThat(db.query("SELECT id, owner, is_deleted FROM $S.accounts")).as("soft-deleted")
                    .containsExactly(List.of("1", "Bo", "1"));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyCookbookIntentThroughTheJavaApi(TestSchema.Kind kind, Mode mode) throws Exception {
        runCookbook(kind, mode, db -> javaTransforms(moltName(db)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyCookbookIntentThroughATypeScriptUserscript(TestSchema.Kind kind, Mode mode) throws Exception {
        runCookbook(kind, mode, db -> userscript("userscripts/cookbook.ts", moltName(db)));
    }

    /**
     * Loads a userscript of the test resources with {@code __SCHEMA__} replaced by the test's schema, as a
     * MOLT user writes the schema's name into the script.
     */
    static Transforms userscript(String resource, String schema) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("userscript");
            java.nio.file.Path script = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            java.nio.file.Files.writeString(script, TestSchema.resource(resource).replace("__SCHEMA__", schema));
            return dev.failback.userscript.Userscript.load(script);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
