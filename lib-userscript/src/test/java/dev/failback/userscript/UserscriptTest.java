package dev.failback.userscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.RowOp;
import dev.failback.transform.SchemaTransform;
import dev.failback.transform.TableTransform;
import dev.failback.transform.TableWriter;
import dev.failback.transform.Transforms;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserscriptTest {
    static final Hlc TS = new Hlc(1_759_246_945_019_283_746L, 1);
    static final List<String> CONSOLE = new CopyOnWriteArrayList<>();
    static Transforms cookbook;

    static Path script(String name) {
        try {
            return Path.of(UserscriptTest.class.getResource("/scripts/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Transforms load(String name) {
        return Userscript.load(script(name), Userscript.Options.DEFAULTS.withConsole((l, t) -> CONSOLE.add(l + " " + t)));
    }

    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static RowMeta meta(String table) {
        return new RowMeta("defaultdb.public", table, TS, null);
    }

    static Route up(String table, Map<String, Object> row) throws Exception {
        return cookbook.schema("defaultdb.public").onRowUpsert(row, meta(table));
    }

    static Route del(String table, Map<String, Object> row) throws Exception {
        return cookbook.schema("defaultdb.public").onRowDelete(row, meta(table));
    }

    @BeforeAll
    static void loadCookbook() {
        cookbook = load("cookbook/main.ts");
    }

    @AfterAll
    static void close() {
        cookbook.close();
    }

    @Test
    void typeScriptWithTypesAndImportsLoadsAndLogs() {
        assertThat(cookbook.schema("DefaultDB.Public")).isNotNull();   // case-insensitive
        assertThat(cookbook.schema("db")).isNull();
        assertThat(cookbook.table("defaultdb.public", new TableName("public", "orders"))).isNull();
        assertThat(CONSOLE).contains("info cookbook loaded {\"tables\":2}");
    }

    @Test
    void cookbookIntents() throws Exception {
        // skip a table, skip several
        assertThat(up("debug_events", row("id", new BigDecimal(1))).isSkip()).isTrue();
        assertThat(up("audit_log", row("id", new BigDecimal(1))).isSkip()).isTrue();
        assertThat(up("tmp_import", row("id", new BigDecimal(1))).isSkip()).isTrue();
        assertThat(del("audit_log", row("id", new BigDecimal(1))).isSkip()).isTrue();
        // drop soft-deleted rows; deletes pass
        assertThat(up("orders", row("id", new BigDecimal(1), "is_deleted", new BigDecimal(1))).isSkip()).isTrue();
        assertThat(up("orders", row("id", new BigDecimal(2), "is_deleted", new BigDecimal(0))).row())
                .isEqualTo(row("id", "2", "is_deleted", "0"));
        assertThat(del("orders", row("id", new BigDecimal(1))).row()).isEqualTo(row("id", "1"));
        // drop a column
        assertThat(up("inventory", row("sku", "a", "qty", new BigDecimal(3), "price", new BigDecimal("1.50"))).row())
                .isEqualTo(row("sku", "a", "price", "1.50"));
        // rename columns, PK in deletes too
        assertThat(up("employees", row("emp_id", new BigDecimal(7), "emp_name", "Ann", "dept", "R&D")).row())
                .isEqualTo(row("employee_id", "7", "employee_name", "Ann", "dept", "R&D"));
        assertThat(del("employees", row("emp_id", new BigDecimal(7))).row()).isEqualTo(row("employee_id", "7"));
        // route by id range
        assertThat(up("items", row("id", new BigDecimal(5))).tables()).isEqualTo(Map.of("tbl1", List.of(row("id", "5"))));
        assertThat(up("items", row("id", new BigDecimal(1500))).tables()).containsOnlyKeys("tbl2");
        assertThat(del("items", row("id", new BigDecimal(99999))).tables()).containsOnlyKeys("tbl3");
        // rename tables
        assertThat(up("old_orders", row("id", new BigDecimal(1))).tables()).isEqualTo(Map.of("orders_v2", List.of(row("id", "1"))));
        assertThat(del("legacy_users", row("id", new BigDecimal(1))).tables()).containsOnlyKeys("users_v2");
        // computed column
        assertThat(up("line_items", row("id", new BigDecimal(1), "price", new BigDecimal("19.99"), "qty", new BigDecimal(3))).row())
                .containsEntry("total", "59.97");
        // PII strip (and soft delete)
        assertThat(up("customers", row("id", new BigDecimal(1), "name", "Bo", "ssn", "123", "credit_card_number", "4111",
                "is_deleted", false)).row()).isEqualTo(row("id", "1", "name", "Bo", "is_deleted", false));
        assertThat(up("customers", row("id", new BigDecimal(2), "is_deleted", new BigDecimal(1))).isSkip()).isTrue();
        // fan-out
        Route fan = up("users", row("id", new BigDecimal("9007199254740993"), "name", "Cy", "bio", null));
        assertThat(fan.tables()).isEqualTo(Map.of(
                "users_core", List.of(row("id", "9007199254740993", "name", "Cy")),
                "users_profile", List.of(row("user_id", "9007199254740993", "bio", null))));
        // untouched
        assertThat(up("other", row("id", new BigDecimal(1), "j", row("a", List.of(new BigDecimal(1), "x")))).row())
                .isEqualTo(row("id", "1", "j", row("a", List.of(new BigDecimal(1), "x")))); // a JSON document keeps its numbers
    }

    @Test
    void plainJavaScriptAndValuesBack() throws Exception {
        try (Transforms t = load("plain.js")) {
            Route r = t.schema("db").onRowUpsert(row("n", new BigDecimal("21")), new RowMeta("db", "t", TS, null));
            assertThat(r.row()).isEqualTo(row("n", "42", "f", new BigDecimal("0.30000000000000004"),
                    "big", new BigDecimal("1152921504606847000"), "i", new BigDecimal(5),
                    "arr", java.util.Arrays.asList(new BigDecimal(1), "x", null), "obj", row("a", true)));
            assertThat(r.row()).doesNotContainKey("u");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPassThroughScriptKeepsTheNumbersOfJsonDocumentsAndArrays() throws Exception {
        try (Transforms t = load("noop.ts")) {
            Map<String, Object> doc = row("n", new BigDecimal("1"), "x", new BigDecimal("0.1"),
                    "a", List.of(new BigDecimal("1"), new BigDecimal("2.50")), "big", new BigDecimal("12345678901234567890"));
            Route r = t.schema("defaultdb.public").onRowUpsert(row("id", new BigDecimal("7"), "doc", doc,
                    "ints", List.of(new BigDecimal("3"), new BigDecimal("4"))), meta("t"));
            assertThat(r.row().get("id")).as("a column value reaches the script as a string").isEqualTo("7");
            @SuppressWarnings("unchecked")
            Map<String, Object> back = (Map<String, Object>) r.row().get("doc");
            assertThat(back.get("n")).isEqualTo(new BigDecimal("1"));
            assertThat(back.get("x")).isEqualTo(new BigDecimal("0.1"));
            assertThat((List<Object>) back.get("a")).containsExactly(new BigDecimal("1"), new BigDecimal("2.5"));
            assertThat(back.get("big")).as("beyond a double: kept exact, as a string").isEqualTo("12345678901234567890");
            assertThat((List<Object>) r.row().get("ints")).containsExactly(new BigDecimal("3"), new BigDecimal("4"));
        }
    }

    @Test
    void aNamedDefaultExportStaysADeclarationItsModuleCanUse() throws Exception {
        try (Transforms t = load("defaults/main.ts")) {
            Route r = t.schema("db").onRowUpsert(row("v", "a"), new RowMeta("db", "t", TS, null));
            assertThat(r.row()).isEqualTo(row("v", "A", "w", "A!"));
        }
    }

    @Test
    void metaCarriesTimestamp() throws Exception {
        try (Transforms t = Userscript.load(write("meta.ts", """
                import * as api from "replicator@v2";
                api.configureTargetSchema("db", {
                  onRowUpsert: (r: any, m: any) => ({ ...r, m }),
                  onRowDelete: (r: any) => r,
                });
                """))) {
            Route r = t.schema("db").onRowUpsert(row("id", "1"), new RowMeta("db", "t", TS, row("id", "0")));
            assertThat(r.row().get("m")).isEqualTo(row("schema", "db", "table", "t", "updated", TS.toString(),
                    "nanos", "1759246945019283746", "logical", "1", "before", row("id", "0")));
        }
    }

    @Test
    void v1Script() throws Exception {
        try (Transforms t = load("v1.ts"); Connection c = h2()) {
            SchemaTransform s = t.schema("DB");
            assertThat(s.onRowUpsert(row("kind", "a", "id", new BigDecimal(1)), meta("src")).tables()).containsOnlyKeys("table_a");
            assertThat(s.onRowUpsert(row("kind", "b"), meta("src")).tables()).containsOnlyKeys("table_b");
            assertThat(s.onRowUpsert(row("kind", "skip"), meta("src")).isSkip()).isTrue();
            assertThat(s.onRowDelete(row("id", new BigDecimal(1)), meta("src")).tables())
                    .isEqualTo(Map.of("table_a", List.of(row("id", "1"))));
            assertThat(t.schema("other").onRowUpsert(row("id", "1"), meta("x")).tables()).containsOnlyKeys("everything");
            TableTransform ta = t.table("db", new TableName("db", "TABLE_A"));
            assertThat(ta.onRowUpsert(row("id", "1"), meta("table_a")))
                    .isEqualTo(row("id", "1", "mapped", true, "key", "__REPLICATION_KEY__"));
            assertThat(ta.onRowDelete(new ArrayList<>(List.of(new BigDecimal(0))), meta("table_a"))).isNull();
            assertThat(ta.onRowDelete(new ArrayList<>(List.of(new BigDecimal(4))), meta("table_a"))).isEqualTo(List.of("4"));
            exec(c, "CREATE TABLE table_a (id INT PRIMARY KEY, v VARCHAR(10))");
            H2Writer w = new H2Writer(c, new TableName("PUBLIC", "TABLE_A"));
            ta.onWrite(List.of(RowOp.upsert(row("id", new BigDecimal(1), "v", "x"), meta("table_a")),
                    RowOp.delete(List.of(new BigDecimal(2)), meta("table_a"))), w);
            assertThat(w.written).hasSize(1);
            assertThat(w.written.get(0).data()).isEqualTo(row("id", "1", "v", "x"));
        }
    }

    @Test
    void tableLevelHandlersAndOnWrite() throws Exception {
        try (Transforms t = load("table.ts"); Connection c = h2()) {
            TableTransform acc = t.table("defaultdb.public", new TableName("public", "Accounts"));
            assertThat(acc.onRowUpsert(row("id", new BigDecimal(1), "status", "new"), meta("accounts")))
                    .isEqualTo(row("id", "1", "status", "NEW", "replicated_at", TS.toString()));
            assertThat(acc.onRowDelete(new ArrayList<>(List.of(new BigDecimal(5))), meta("accounts"))).isNull();
            assertThat(acc.onRowDelete(new ArrayList<>(List.of(new BigDecimal(500))), meta("accounts"))).isEqualTo(List.of("500"));
            assertThat(t.table("otherdb", new TableName("public", "orders"))).isNull();   // qualified name

            exec(c, "CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(20), is_deleted BOOLEAN DEFAULT FALSE)");
            exec(c, "CREATE TABLE audit (tbl VARCHAR(100), n INT, cols VARCHAR(200))");
            TableTransform orders = t.table("defaultdb.public", new TableName("public", "orders"));
            assertThat(orders.onRowUpsert(row("id", "1"), meta("orders"))).isEqualTo(row("id", "1"));   // pass-through
            H2Writer w = new H2Writer(c, new TableName("PUBLIC", "ORDERS"));
            RowMeta before = new RowMeta("defaultdb.public", "orders", TS, row("id", new BigDecimal(2), "name", "old"));
            orders.onWrite(List.of(RowOp.upsert(row("id", new BigDecimal(1), "name", "a"), meta("orders")),
                    RowOp.delete(List.of(new BigDecimal(2)), before)), w);
            assertThat(w.written).extracting(RowOp::delete).containsExactly(false, false);
            assertThat(w.written.get(1).data()).isEqualTo(row("id", "2", "name", "old", "is_deleted", true));
            assertThat(w.written.get(1).meta().updated()).isEqualTo(TS);
            assertThat(query(c, "SELECT tbl, n, cols FROM audit")).containsExactly(List.of("\"PUBLIC\".\"ORDERS\"", "2", "ID*,NAME,IS_DELETED"));
            assertThat(CONSOLE).contains("info audit rows 1 writes 1");
        }
    }

    @Test
    void onWriteDeadLetterWithSavepoints() throws Exception {
        try (Transforms t = load("table.ts"); Connection c = h2()) {
            exec(c, "CREATE TABLE strict (id INT PRIMARY KEY, v VARCHAR(10) NOT NULL)");
            exec(c, "CREATE TABLE dlq (stmt VARCHAR(1000), err VARCHAR(2000))");
            c.setAutoCommit(false);
            H2Writer w = new H2Writer(c, new TableName("PUBLIC", "STRICT"));
            w.reallyWrite = true;
            t.table("db", new TableName("PUBLIC", "STRICT")).onWrite(List.of(
                    RowOp.upsert(row("id", new BigDecimal(1), "v", "ok"), meta("strict")),
                    RowOp.upsert(row("id", new BigDecimal(2), "v", null), meta("strict"))), w);
            assertThat(query(c, "SELECT id, v FROM strict")).containsExactly(List.of("1", "ok"));
            List<List<String>> dlq = query(c, "SELECT stmt, err FROM dlq");
            assertThat(dlq).hasSize(1);
            assertThat(dlq.get(0).get(0)).contains("\"id\":\"2\"").contains("\"pk\":[\"2\"]");
            assertThat(dlq.get(0).get(1)).contains("SQLSTATE 23502");
        }
    }

    @Test
    void txOutsideOnWriteFails() {
        assertThatThrownBy(() -> Userscript.load(write("outside.ts", """
                import * as api from "replicator@v2";
                api.getTX();
                """))).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("outside.ts:2").hasMessageContaining("only inside onWrite");
    }

    @Test
    void handlerThrowNamesFileLineAndMessage() {
        try (Transforms t = load("errors/throws.ts")) {
            assertThatThrownBy(() -> t.schema("db").onRowUpsert(row("bad", true, "id", new BigDecimal(3)), meta("t")))
                    .isInstanceOf(UserscriptException.class)
                    .hasMessageContaining("throws.ts:9")
                    .hasMessageContaining("onRowUpsert")
                    .hasMessageContaining("bad row 3");
        }
    }

    @Test
    void infiniteLoopIsInterruptedAndEngineStaysUsable() throws Exception {
        try (Transforms t = Userscript.load(script("errors/throws.ts"), Userscript.Options.DEFAULTS.withTimeLimit(Duration.ofMillis(500)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.schema("db").onRowUpsert(row("loop", true), meta("t")))
                    .isInstanceOf(UserscriptException.class)
                    .hasMessageContaining("throws.ts:16")
                    .hasMessageContaining("limit of 500ms");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isLessThan(3000);
            assertThat(t.schema("db").onRowUpsert(row("id", "1"), meta("t")).row()).isEqualTo(row("id", "1"));
            assertThat(t.schema("db").onRowUpsert(row("id", "2"), meta("t")).row()).isEqualTo(row("id", "2"));
        }
    }

    @Test
    void garbageReturnsAreNamed() {
        try (Transforms t = load("errors/throws.ts")) {
            SchemaTransform s = t.schema("db");
            assertThatThrownBy(() -> s.onRowUpsert(row("garbage", "number"), meta("t")))
                    .hasMessageContaining("onRowUpsert").hasMessageContaining("returned a number (42)")
                    .hasMessageContaining("expected a row object");
            assertThatThrownBy(() -> s.onRowUpsert(row("garbage", "string"), meta("t")))
                    .hasMessageContaining("returned a string (\"nope\")");
            assertThatThrownBy(() -> s.onRowUpsert(row("garbage", "route"), meta("t")))
                    .hasMessageContaining("\"t1\" holds a number (1)").hasMessageContaining("expected an array of row objects");
        }
    }

    @Test
    void loadErrors() {
        assertThatThrownBy(() -> load("errors/missing-delete.ts")).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("missing-delete.ts:3").hasMessageContaining("onRowDelete is required");
        assertThatThrownBy(() -> load("errors/syntax.ts")).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("syntax.ts:5").hasMessageContaining("syntax error");
        assertThatThrownBy(() -> load("errors/syntax.js")).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("syntax.js:4");
        assertThatThrownBy(() -> load("errors/throw-at-load.ts")).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("throw-at-load.ts:5").hasMessageContaining("not today");
        assertThatThrownBy(() -> Userscript.load(Path.of("/nonexistent/x.ts"))).isInstanceOf(UserscriptException.class)
                .hasMessageContaining("x.ts");
    }

    @Test
    void unsupportedV1OptionsAreLoadErrors() {
        assertThatThrownBy(() -> Userscript.load(write("cas.ts", """
                import * as api from "replicator@v1";
                api.configureTable("t", { cas: ["ts"] });
                """))).hasMessageContaining("cas.ts:2").hasMessageContaining("\"cas\" is not supported");
    }

    @Test
    void sqlPlaceholders() {
        assertThat(Sql.rewrite("SELECT '$1', \"$2\", $2 -- $3\n + $1 /* $4 */ $$ $5 $$").sql())
                .isEqualTo("SELECT '$1', \"$2\", ? -- $3\n + ? /* $4 */ $$ $5 $$");
        assertThat(Sql.rewrite("SELECT $2, $1").order()).containsExactly(1, 0);
        assertThat(Sql.rewrite("SELECT ?").order()).isNull();
    }

    @Test
    void timing() throws Exception {
        try (Transforms noop = load("noop.ts")) {
            report("no-op", noop, "t");
        }
        report("cookbook (computed column)", cookbook, "line_items");
        report("cookbook (PII strip)", cookbook, "customers");
    }

    private static void report(String what, Transforms t, String table) throws Exception {
        SchemaTransform s = t.schema("defaultdb.public");
        RowMeta m = meta(table);
        for (int i = 0; i < 30_000; i++) {
            s.onRowUpsert(sample(i), m);
        }
        int n = 100_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.onRowUpsert(sample(i), m);
        }
        double us = (System.nanoTime() - start) / 1000.0 / n;
        System.out.printf("TIMING %s: %.1f us/row over %d rows (8 columns)%n", what, us, n);
    }

    private static Map<String, Object> sample(int i) {
        return row("id", new BigDecimal(i), "name", "name " + i, "price", new BigDecimal("19.99"), "qty", new BigDecimal(3),
                "ssn", "123-45-6789", "credit_card_number", "4111111111111111", "is_deleted", false, "note", null);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static Path write(String name, String code) {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("userscript");
            Path p = dir.resolve(name);
            java.nio.file.Files.writeString(p, code);
            return p;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection h2() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:us" + System.nanoTime());
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<List<String>> query(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> r = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    r.add(rs.getString(i));
                }
                out.add(r);
            }
        }
        return out;
    }

    /** A writer on H2: records what it is asked to write; with reallyWrite, MERGEs upserts (NOT NULL errors included). */
    static final class H2Writer implements TableWriter {
        final Connection c;
        final TableName table;
        final List<RowOp> written = new ArrayList<>();
        boolean reallyWrite;

        H2Writer(Connection c, TableName table) {
            this.c = c;
            this.table = table;
        }

        @Override
        public void write(List<RowOp> ops) throws SQLException {
            written.addAll(ops);
            if (!reallyWrite) {
                return;
            }
            for (RowOp op : ops) {
                Map<String, Object> d = op.data();
                String cols = String.join(", ", d.keySet()).toUpperCase();
                String qs = String.join(", ", d.keySet().stream().map(k -> "?").toList());
                try (PreparedStatement ps = c.prepareStatement("MERGE INTO " + table.name() + " (" + cols + ") KEY (ID) VALUES (" + qs + ")")) {
                    int i = 1;
                    for (Object v : d.values()) {
                        ps.setObject(i++, v);
                    }
                    ps.executeUpdate();
                }
            }
        }

        @Override
        public Connection connection() {
            return c;
        }

        @Override
        public TableName table() {
            return table;
        }

        @Override
        public List<ColumnInfo> columns() {
            List<ColumnInfo> cols = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getColumns(null, table.schema(), table.name(), null)) {
                while (rs.next()) {
                    cols.add(new ColumnInfo(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"), "", true, false, false));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return cols;
        }
    }
}
