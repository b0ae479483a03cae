package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Mutation;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Upsert and delete behaviour, with every apply technique. */
class ApplyIT {
    private PgSchema db;

    @BeforeEach
    void createSchema() throws SQLException {
        db = PgSchema.create();
        db.exec("CREATE TABLE employees (id bigint PRIMARY KEY, name text NOT NULL, email text UNIQUE,"
                        + " department text DEFAULT 'unassigned', salary numeric(12,2), hired_at timestamptz,"
                        + " active boolean DEFAULT true, manager_id bigint REFERENCES employees (id))",
                "CREATE TABLE payments (order_id uuid NOT NULL, seq integer NOT NULL, amount numeric(10,2) NOT NULL,"
                        + " method text NOT NULL, PRIMARY KEY (order_id, seq))");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void upsertInsertsThenUpdates(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = db.table("employees");
        db.upsert(dialect, t,
                db.upsert("employees", "[1]", "{\"active\": true, \"department\": \"eng\", \"email\": \"a@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:15Z\", \"id\": 1, \"manager_id\": null, \"name\": \"Ada\", \"salary\": 160000.00}"),
                db.upsert("employees", "[2]", "{\"active\": false, \"department\": \"ops\", \"email\": \"b@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:16.5Z\", \"id\": 2, \"manager_id\": 1, \"name\": \"Bob\", \"salary\": 90000.50}"));
        db.upsert(dialect, t,
                db.upsert("employees", "[2]", "{\"active\": true, \"department\": \"eng\", \"email\": null,"
                        + " \"hired_at\": \"2025-10-01T00:00:00Z\", \"id\": 2, \"manager_id\": null, \"name\": \"Robert\", \"salary\": 95000.75}"));
        assertThat(db.query("SELECT id, name, email, department, salary, hired_at = '2025-10-01T00:00:00Z', active, manager_id"
                + " FROM employees ORDER BY id")).containsExactly(
                List.of("1", "Ada", "a@x", "eng", "160000.00", "f", "t", "null").stream().map(ApplyIT::nul).toList(),
                List.of("2", "Robert", "null", "eng", "95000.75", "t", "t", "null").stream().map(ApplyIT::nul).toList());
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void missingColumnKeepsValueOnUpdateAndGetsDefaultOnInsert(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = db.table("employees");
        db.upsert(dialect, t, db.upsert("employees", "[1]",
                "{\"department\": \"eng\", \"id\": 1, \"name\": \"Ada\", \"salary\": 1.00}"));
        // one call, two column sets: row 1 lacks department (keeps eng), row 3 lacks it too (gets the default)
        db.upsert(dialect, t,
                db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"Ada L\"}"),
                db.upsert("employees", "[3]", "{\"id\": 3, \"name\": \"Cy\"}"),
                db.upsert("employees", "[4]", "{\"active\": false, \"id\": 4, \"name\": \"Di\", \"salary\": 2.50}"));
        assertThat(db.query("SELECT id, name, department, salary, active FROM employees ORDER BY id")).containsExactly(
                List.of("1", "Ada L", "eng", "1.00", "t"),
                List.of("3", "Cy", "unassigned", "null", "t").stream().map(ApplyIT::nul).toList(),
                List.of("4", "Di", "unassigned", "2.50", "f"));
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void onlyKeyColumnsInsertOrKeep(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        db.exec("CREATE TABLE tags (a text, b int, PRIMARY KEY (a, b))");
        TableInfo t = db.table("tags");
        db.upsert(dialect, t, db.upsert("tags", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"));
        db.upsert(dialect, t, db.upsert("tags", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"),
                db.upsert("tags", "[\"y\", 2]", "{\"a\": \"y\", \"b\": 2}"));
        assertThat(db.query("SELECT a, b FROM tags ORDER BY a")).containsExactly(List.of("x", "1"), List.of("y", "2"));
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void generatedColumnsAreIgnoredAndIdentityColumnsWritten(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        db.exec("CREATE TABLE lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty int, price numeric(8,2),"
                + " total numeric(10,2) GENERATED ALWAYS AS (qty * price) STORED,"
                + " seq bigint GENERATED ALWAYS AS IDENTITY, note text)");
        TableInfo t = db.table("lines");
        db.upsert(dialect, t, db.upsert("lines", "[5]",
                "{\"id\": 5, \"note\": \"n\", \"price\": 2.50, \"qty\": 3, \"seq\": 77, \"total\": 999}"));
        db.upsert(dialect, t, db.upsert("lines", "[5]",
                "{\"id\": 5, \"note\": \"m\", \"price\": 2.50, \"qty\": 4, \"seq\": 78, \"total\": 999}"));
        // seq is GENERATED ALWAYS AS IDENTITY: written on insert, kept on update
        assertThat(db.query("SELECT id, qty, total, seq, note FROM lines"))
                .containsExactly(List.of("5", "4", "10.00", "77", "m"));
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void compositeKeysUpsertAndDelete(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = db.table("payments");
        String a = "3f2b8c1e-0000-4000-8000-000000000001";
        String b = "3f2b8c1e-0000-4000-8000-000000000002";
        db.upsert(dialect, t,
                db.upsert("payments", "[\"" + a + "\", 1]", "{\"amount\": 10.00, \"method\": \"card\", \"order_id\": \"" + a + "\", \"seq\": 1}"),
                db.upsert("payments", "[\"" + a + "\", 2]", "{\"amount\": 20.00, \"method\": \"cash\", \"order_id\": \"" + a + "\", \"seq\": 2}"),
                db.upsert("payments", "[\"" + b + "\", 1]", "{\"amount\": 30.00, \"method\": \"card\", \"order_id\": \"" + b + "\", \"seq\": 1}"));
        db.delete(dialect, t,
                db.delete("payments", "[\"" + a + "\", 2]"),
                db.delete("payments", "[\"" + b + "\", 1]"),
                db.delete("payments", "[\"" + b + "\", 99]"));
        assertThat(db.query("SELECT order_id, seq, amount FROM payments")).containsExactly(List.of(a, "1", "10.00"));
        // deleting rows that are gone is fine
        db.delete(dialect, t, db.delete("payments", "[\"" + b + "\", 1]"));
        assertThat(db.one("SELECT count(*) FROM payments")).isEqualTo("1");
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void deleteRejectsKeysOfTheWrongArity(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = db.table("payments");
        assertThatThrownBy(() -> db.delete(dialect, t, db.delete("payments", "[\"3f2b8c1e-0000-4000-8000-000000000001\"]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payments");
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void upsertRejectsUnknownColumns(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = db.table("employees");
        assertThatThrownBy(() -> db.upsert(dialect, t, db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"A\", \"nope\": 1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("employees").hasMessageContaining("nope");
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void awkwardTextAndIdentifiersSurvive(ApplyTechnique technique) throws SQLException {
        PostgresDialect dialect = new PostgresDialect(technique);
        db.exec("CREATE TABLE \"Odd \"\"Table\"\"\" (\"Id\" int PRIMARY KEY, \"we\"\"ird\" text, \"MixedCase\" text, lower text)");
        TableInfo t = db.table("Odd \"Table\"");
        String text = "q'uote \"dq\" \\ back\nnew line\ttab 世界 😀 \u0001 end";
        String json = Json.quote(text);
        db.upsert(dialect, t, db.upsert("Odd \"Table\"", "[1]",
                "{\"Id\": 1, \"LOWER\": \"lo\", \"mixedcase\": " + json + ", \"we\\\"ird\": " + json + "}"));
        assertThat(db.query("SELECT \"we\"\"ird\", \"MixedCase\", lower FROM \"Odd \"\"Table\"\"\""))
                .containsExactly(List.of(text, text, "lo"));
        db.delete(dialect, t, db.delete("Odd \"Table\"", "[1]"));
        assertThat(db.one("SELECT count(*) FROM \"Odd \"\"Table\"\"\"")).isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void bigCallsAreChunked(ApplyTechnique technique) throws SQLException {
        // 70 columns x 1,200 rows = 84,000 values: more than one statement's 65,535 bind parameters
        StringBuilder ddl = new StringBuilder("CREATE TABLE wide (id int PRIMARY KEY");
        for (int c = 0; c < 69; c++) {
            ddl.append(", c").append(c).append(" int");
        }
        db.exec(ddl.append(')').toString());
        TableInfo t = db.table("wide");
        List<Mutation> rows = new ArrayList<>();
        List<Mutation> keys = new ArrayList<>();
        for (int r = 0; r < 1200; r++) {
            StringBuilder after = new StringBuilder("{\"id\": ").append(r);
            for (int c = 0; c < 69; c++) {
                after.append(", \"c").append(c).append("\": ").append(r + c);
            }
            rows.add(db.upsert("wide", "[" + r + "]", after.append('}').toString()));
            keys.add(db.delete("wide", "[" + r + "]"));
        }
        PostgresDialect dialect = new PostgresDialect(technique);
        db.inTransaction(() -> dialect.upsert(db.connection, t, rows));
        assertThat(db.one("SELECT count(*) || ' ' || sum(c68) FROM wide")).isEqualTo("1200 " + (1200 * 1199 / 2 + 68 * 1200));
        // small limits: many statements per call
        PostgresDialect small = new PostgresDialect("postgresql", technique, UpsertSyntax.INSERT_ON_CONFLICT,
                new Writer.Limits(50, 10_000));
        db.inTransaction(() -> small.upsert(db.connection, t, rows));
        db.inTransaction(() -> small.delete(db.connection, t, keys.subList(0, 1000)));
        assertThat(db.one("SELECT count(*) FROM wide")).isEqualTo("200");
        db.inTransaction(() -> dialect.delete(db.connection, t, keys));
        assertThat(db.one("SELECT count(*) FROM wide")).isEqualTo("0");
    }

    private static String nul(String s) {
        return s.equals("null") ? null : s;
    }
}
