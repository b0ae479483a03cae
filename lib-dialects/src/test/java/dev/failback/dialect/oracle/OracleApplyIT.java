package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Mutation;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Upsert and delete behaviour on H2 in Oracle mode, with every apply technique. */
class OracleApplyIT {
    private OracleDb db;

    @BeforeEach
    void createSchema() throws SQLException {
        db = OracleDb.h2();
        db.exec("CREATE TABLE APP.EMPLOYEES (ID NUMBER(19) PRIMARY KEY, NAME VARCHAR2(50 CHAR) NOT NULL,"
                        + " EMAIL VARCHAR2(100 CHAR) UNIQUE, DEPARTMENT VARCHAR2(20 CHAR) DEFAULT 'unassigned',"
                        + " SALARY NUMBER(12,2), HIRED_AT TIMESTAMP(6) WITH TIME ZONE, ACTIVE NUMBER(1) DEFAULT 1,"
                        + " MANAGER_ID NUMBER(19) REFERENCES APP.EMPLOYEES (ID))",
                "CREATE TABLE APP.PAYMENTS (ORDER_ID RAW(16) NOT NULL, SEQ NUMBER(10) NOT NULL, AMOUNT NUMBER(10,2) NOT NULL,"
                        + " METHOD CHAR(4 CHAR) NOT NULL, PRIMARY KEY (ORDER_ID, SEQ))");
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void upsertInsertsThenUpdatesMatchingLowerCaseKeys(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("EMPLOYEES");
        db.upsert(dialect, t,
                db.upsert("EMPLOYEES", "[1]", "{\"active\": true, \"department\": \"eng\", \"email\": \"a@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:15Z\", \"id\": 1, \"manager_id\": null, \"name\": \"Ada\", \"salary\": 160000.00}"),
                db.upsert("EMPLOYEES", "[2]", "{\"active\": false, \"department\": \"ops\", \"email\": \"b@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:16.5Z\", \"id\": 2, \"manager_id\": null, \"name\": \"Bob\", \"salary\": 90000.50}"));
        db.upsert(dialect, t,
                db.upsert("EMPLOYEES", "[2]", "{\"active\": true, \"department\": \"eng\", \"email\": null,"
                        + " \"hired_at\": \"2025-10-01T00:00:00Z\", \"id\": 2, \"manager_id\": 1, \"name\": \"Robert\", \"salary\": 95000.75}"));
        assertThat(db.query("SELECT ID, NAME, EMAIL, DEPARTMENT, CAST(SALARY * 100 AS NUMBER(19)), ACTIVE, MANAGER_ID FROM APP.EMPLOYEES ORDER BY ID"))
                .containsExactly(Arrays.asList("1", "Ada", "a@x", "eng", "16000000", "1", null),
                        Arrays.asList("2", "Robert", null, "eng", "9500075", "1", "1"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void missingColumnKeepsValueOnUpdateAndGetsDefaultOnInsert(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("EMPLOYEES");
        db.upsert(dialect, t, db.upsert("EMPLOYEES", "[1]", "{\"department\": \"eng\", \"id\": 1, \"name\": \"Ada\", \"salary\": 1.00}"));
        db.upsert(dialect, t,
                db.upsert("EMPLOYEES", "[1]", "{\"id\": 1, \"name\": \"Ada L\"}"),
                db.upsert("EMPLOYEES", "[3]", "{\"id\": 3, \"name\": \"Cy\"}"),
                db.upsert("EMPLOYEES", "[4]", "{\"active\": false, \"id\": 4, \"name\": \"Di\", \"salary\": 2.50}"));
        assertThat(db.query("SELECT ID, NAME, DEPARTMENT, CAST(SALARY * 100 AS NUMBER(19)), ACTIVE FROM APP.EMPLOYEES ORDER BY ID")).containsExactly(
                List.of("1", "Ada L", "eng", "100", "1"),
                Arrays.asList("3", "Cy", "unassigned", null, "1"),
                List.of("4", "Di", "unassigned", "250", "0"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void onlyKeyColumnsInsertOrKeep(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        db.exec("CREATE TABLE APP.TAGS (A VARCHAR2(10 CHAR), B NUMBER(10), PRIMARY KEY (A, B))");
        TableInfo t = db.table("TAGS");
        db.upsert(dialect, t, db.upsert("TAGS", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"));
        db.upsert(dialect, t, db.upsert("TAGS", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"),
                db.upsert("TAGS", "[\"y\", 2]", "{\"a\": \"y\", \"b\": 2}"));
        assertThat(db.query("SELECT A, B FROM APP.TAGS ORDER BY A")).containsExactly(List.of("x", "1"), List.of("y", "2"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void virtualAndHiddenColumnsAreIgnored(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        db.exec("CREATE TABLE APP.LINES (ID NUMBER(19) PRIMARY KEY, QTY NUMBER(10), PRICE NUMBER(8,2),"
                + " TOTAL NUMBER(10,2) GENERATED ALWAYS AS (QTY * PRICE), SECRET VARCHAR2(10) INVISIBLE, NOTE VARCHAR2(10))");
        TableInfo t = db.table("LINES");
        assertThat(t.columns()).extracting(c -> c.name()).containsExactly("ID", "QTY", "PRICE", "TOTAL", "NOTE");
        db.upsert(dialect, t, db.upsert("LINES", "[5]", "{\"id\": 5, \"note\": \"n\", \"price\": 2.50, \"qty\": 3, \"total\": 999}"));
        db.upsert(dialect, t, db.upsert("LINES", "[5]", "{\"id\": 5, \"note\": \"m\", \"price\": 2.50, \"qty\": 4, \"total\": 999}"));
        assertThat(db.query("SELECT ID, QTY, CAST(TOTAL AS NUMBER(10)), NOTE FROM APP.LINES")).containsExactly(List.of("5", "4", "10", "m"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void compositeRawAndCharKeysUpsertAndDelete(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("PAYMENTS");
        String a = "3f2b8c1e-0000-4000-8000-000000000001";
        String b = "3f2b8c1e-0000-4000-8000-000000000002";
        db.upsert(dialect, t,
                db.upsert("PAYMENTS", "[\"" + a + "\", 1]", "{\"amount\": 10.00, \"method\": \"card\", \"order_id\": \"" + a + "\", \"seq\": 1}"),
                db.upsert("PAYMENTS", "[\"" + a + "\", 2]", "{\"amount\": 20.00, \"method\": \"ach\", \"order_id\": \"" + a + "\", \"seq\": 2}"),
                db.upsert("PAYMENTS", "[\"" + b + "\", 1]", "{\"amount\": 30.00, \"method\": \"card\", \"order_id\": \"" + b + "\", \"seq\": 1}"));
        // the short CHAR(4) value is padded, so the merge finds the row again
        db.upsert(dialect, t,
                db.upsert("PAYMENTS", "[\"" + a + "\", 2]", "{\"amount\": 21.00, \"method\": \"ach\", \"order_id\": \"" + a + "\", \"seq\": 2}"));
        assertThat(db.one("SELECT CAST(AMOUNT AS NUMBER(10)) FROM APP.PAYMENTS WHERE SEQ = 2")).isEqualTo("21");
        db.delete(dialect, t,
                db.delete("PAYMENTS", "[\"" + a + "\", 2]"),
                db.delete("PAYMENTS", "[\"" + b + "\", 1]"),
                db.delete("PAYMENTS", "[\"" + b + "\", 99]"));
        assertThat(db.query("SELECT UPPER(RAWTOHEX(ORDER_ID)), SEQ, CAST(AMOUNT AS NUMBER(10)) FROM APP.PAYMENTS"))
                .containsExactly(List.of("3F2B8C1E000040008000000000000001", "1", "10"));
        db.delete(dialect, t, db.delete("PAYMENTS", "[\"" + b + "\", 1]"));
        assertThat(db.one("SELECT COUNT(*) FROM APP.PAYMENTS")).isEqualTo("1");
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void longClobAndNaNLand(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        db.exec("CREATE TABLE APP.DOCS (ID NUMBER(19) PRIMARY KEY, BODY CLOB, SCORE BINARY_DOUBLE)");
        TableInfo t = db.table("DOCS");
        String body = "x".repeat(10_000);
        db.upsert(dialect, t, db.upsert("DOCS", "[1]", "{\"body\": \"" + body + "\", \"id\": 1, \"score\": \"NaN\"}"),
                db.upsert("DOCS", "[2]", "{\"body\": \"short\", \"id\": 2, \"score\": \"-Infinity\"}"));
        assertThat(db.query("SELECT ID, LENGTH(BODY), SCORE FROM APP.DOCS ORDER BY ID"))
                .containsExactly(List.of("1", "10000", "NaN"), List.of("2", "5", "-Infinity"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void tooLongValueIsADataErrorNotATruncation(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("PAYMENTS");
        String a = "3f2b8c1e-0000-4000-8000-000000000001";
        Mutation m = db.upsert("PAYMENTS", "[\"" + a + "\", 1]",
                "{\"amount\": 10.00, \"method\": \"cards\", \"order_id\": \"" + a + "\", \"seq\": 1}");
        assertThat(dialect.checkRow(t, m.after())).contains("\"METHOD\"", "5-character");
        assertThatThrownBy(() -> db.upsert(dialect, t, m)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(dialect.classify(e)).isEqualTo(ErrorKind.BAD_DATA));
        assertThat(db.one("SELECT COUNT(*) FROM APP.PAYMENTS")).isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void unknownColumnsAndMissingKeysAreRefused(OracleApplyTechnique technique) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("EMPLOYEES");
        assertThatThrownBy(() -> db.upsert(dialect, t, db.upsert("EMPLOYEES", "[1]", "{\"id\": 1, \"name\": \"A\", \"nope\": 1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EMPLOYEES").hasMessageContaining("nope");
        assertThatThrownBy(() -> db.delete(dialect, db.table("PAYMENTS"), db.delete("PAYMENTS", "[\"x\"]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PAYMENTS");
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void manyRowsAreChunked(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.WIDE (ID NUMBER(10) PRIMARY KEY, A NUMBER(10), B VARCHAR2(20))");
        TableInfo t = db.table("WIDE");
        List<Mutation> rows = new ArrayList<>();
        List<Mutation> keys = new ArrayList<>();
        for (int r = 0; r < 1_237; r++) {
            rows.add(db.upsert("WIDE", "[" + r + "]", "{\"a\": " + r + ", \"b\": \"v" + r + "\", \"id\": " + r + "}"));
            keys.add(db.delete("WIDE", "[" + r + "]"));
        }
        OracleDialect dialect = new OracleDialect(technique);
        db.upsert(dialect, t, rows);
        db.upsert(dialect, t, rows);
        assertThat(db.one("SELECT COUNT(*) || ' ' || SUM(A) FROM APP.WIDE")).isEqualTo("1237 " + (1237 * 1236 / 2));
        db.delete(dialect, t, keys.subList(0, 1000).toArray(new Mutation[0]));
        assertThat(db.one("SELECT COUNT(*) FROM APP.WIDE")).isEqualTo("237");
        db.delete(dialect, t, keys.toArray(new Mutation[0]));
        assertThat(db.one("SELECT COUNT(*) FROM APP.WIDE")).isEqualTo("0");
    }
}
