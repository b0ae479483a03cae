package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mutation;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys the target stores differently from how CockroachDB sent them (#15), on H2 in Oracle mode with every
 * apply technique: a delete addresses exactly the row the upsert of the same source key wrote.
 * H2 reports a declared {@code TIMESTAMP(0)} as {@code DATE}, so the fractional-second rounding is tested
 * with {@code TIMESTAMP(3)}; {@link OracleFreeIT} covers {@code TIMESTAMP(0)} on Oracle.
 */
class OracleKeyIT {
    private OracleDb db;

    @BeforeEach
    void createSchema() throws SQLException {
        db = OracleDb.h2();
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aNumberKeyTheColumnRoundsIsDeletedByTheSameSourceKey(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.PRICES (PRICE NUMBER(6,2) PRIMARY KEY, NOTE VARCHAR2(10))");
        upsertThenDelete(technique, "PRICES", List.of("[498.765]", "[-1.005]", "[7]"),
                List.of("{\"note\": \"a\", \"price\": 498.765}", "{\"note\": \"b\", \"price\": -1.005}", "{\"note\": \"c\", \"price\": 7}"),
                "SELECT CAST(PRICE * 100 AS NUMBER(10)) FROM APP.PRICES ORDER BY PRICE", List.of("-101", "700", "49877"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aTimestampKeyTheColumnRoundsIsDeletedByTheSameSourceKey(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.EVENTS (AT TIMESTAMP(3) PRIMARY KEY, NOTE VARCHAR2(10))");
        upsertThenDelete(technique, "EVENTS", List.of("[\"2025-09-30T14:30:15.123456\"]", "[\"2025-09-30T14:30:15.9999\"]"),
                List.of("{\"at\": \"2025-09-30T14:30:15.123456\", \"note\": \"a\"}", "{\"at\": \"2025-09-30T14:30:15.9999\", \"note\": \"b\"}"),
                "SELECT TO_CHAR(AT, 'HH24:MI:SS.FF3') FROM APP.EVENTS ORDER BY AT", List.of("14:30:15.123", "14:30:16.000"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aDateKeyWithATimePartIsDeletedByTheSameSourceKey(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.DAYS (D DATE PRIMARY KEY, NOTE VARCHAR2(10))");
        upsertThenDelete(technique, "DAYS", List.of("[\"2025-09-30T14:30:15.7\"]", "[\"2025-10-01\"]"),
                List.of("{\"d\": \"2025-09-30T14:30:15.7\", \"note\": \"a\"}", "{\"d\": \"2025-10-01\", \"note\": \"b\"}"),
                "SELECT TO_CHAR(D, 'YYYY-MM-DD HH24:MI:SS') FROM APP.DAYS ORDER BY D",
                List.of("2025-09-30 14:30:15", "2025-10-01 00:00:00"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aBinaryFloatKeyIsDeletedByTheSameSourceKey(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.RATIOS (R BINARY_FLOAT PRIMARY KEY, NOTE VARCHAR2(10))");
        upsertThenDelete(technique, "RATIOS", List.of("[1.1]", "[0.30000000000000004]"),
                List.of("{\"note\": \"a\", \"r\": 1.1}", "{\"note\": \"b\", \"r\": 0.30000000000000004}"),
                "SELECT NOTE FROM APP.RATIOS ORDER BY R", List.of("b", "a"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aTwoColumnRoundedKeyIsDeletedByTheSameSourceKey(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.QUOTES (PRICE NUMBER(6,2), AT TIMESTAMP(3), NOTE VARCHAR2(10), PRIMARY KEY (PRICE, AT))");
        upsertThenDelete(technique, "QUOTES",
                List.of("[1.005, \"2025-09-30T14:30:15.0004\"]", "[2.004, \"2025-09-30T14:30:15.0004\"]"),
                List.of("{\"at\": \"2025-09-30T14:30:15.0004\", \"note\": \"a\", \"price\": 1.005}",
                        "{\"at\": \"2025-09-30T14:30:15.0004\", \"note\": \"b\", \"price\": 2.004}"),
                "SELECT NOTE FROM APP.QUOTES ORDER BY NOTE", List.of("a", "b"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aKeyNoRowCanHoldIsRefusedOnUpsertAndDeletesNothing(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.CODES (CODE VARCHAR2(5 CHAR) PRIMARY KEY, NOTE VARCHAR2(10))",
                "CREATE TABLE APP.PRICES (PRICE NUMBER(6,2) PRIMARY KEY)",
                "INSERT INTO APP.CODES VALUES ('x', 'kept')", "INSERT INTO APP.PRICES VALUES (9999.99)");
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo codes = db.table("CODES");
        TableInfo prices = db.table("PRICES");
        // Oracle stores '' as NULL: the empty-string key is a poison row, never a row keyed NULL
        assertThat(dialect.checkRow(codes, "{\"code\": \"\", \"note\": \"e\"}")).contains("\"CODE\"", "empty string as NULL");
        assertThat(dialect.checkRow(prices, "{\"price\": 99999.995}")).contains("\"PRICE\"", "does not fit NUMBER(6,2)");
        db.delete(dialect, codes, db.delete("CODES", "[\"\"]"), db.delete("CODES", "[\"y\"]"));
        db.delete(dialect, prices, db.delete("PRICES", "[99999.995]"), db.delete("PRICES", "[1]"));
        assertThat(db.query("SELECT CODE FROM APP.CODES")).containsExactly(List.of("x"));
        assertThat(db.one("SELECT COUNT(*) FROM APP.PRICES")).isEqualTo("1");
    }

    @Test
    void keyHazardsNameEveryKeyColumnThatMergesKeysWithItsFix() throws SQLException {
        db.exec("CREATE TABLE APP.HAZ (N62 NUMBER(6,2), N6 NUMBER(6), NFREE NUMBER, BF BINARY_FLOAT, BD BINARY_DOUBLE,"
                + " T3 TIMESTAMP(3), T6 TIMESTAMP(6), D DATE, C CHAR(5 CHAR), V VARCHAR2(10 CHAR), R RAW(16),"
                + " TZ3 TIMESTAMP(3) WITH TIME ZONE, NOTE VARCHAR2(5),"
                + " PRIMARY KEY (N62, N6, NFREE, BF, BD, T3, T6, D, C, V, R, TZ3))");
        TableInfo t = db.table("HAZ");
        List<KeyHazard> hazards = new OracleDialect().keyHazards(t);
        // NUMBER(6) holds the integer keys a migrated INT8 column sends: not reported
        assertThat(hazards).extracting(KeyHazard::column).containsExactly("N62", "BF", "BD", "T3", "D", "C", "TZ3");
        assertThat(hazards).allSatisfy(h -> assertThat(h.table()).isEqualTo(t.name()));
        assertThat(hazards).extracting(KeyHazard::fix).containsExactly(
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"N62\" NUMBER), or NUMBER(p,s) with a scale at least the source column's",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"BF\" NUMBER)",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"BD\" NUMBER)",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"T3\" TIMESTAMP(6))",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"D\" TIMESTAMP(6))",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"C\" VARCHAR2(5 CHAR))",
                "ALTER TABLE \"APP\".\"HAZ\" MODIFY (\"TZ3\" TIMESTAMP(6) WITH TIME ZONE)");
        assertThat(hazards.get(0).folds()).contains("2 fractional digits");
        assertThat(hazards.get(1).folds()).contains("32-bit binary floating point");
        assertThat(hazards.get(3).folds()).contains("fractional seconds to 3 digits");
        assertThat(hazards.get(4).folds()).contains("whole seconds");
        assertThat(hazards.get(5).folds()).contains("'a' and 'a '");
        assertThat(hazards.get(0).describe()).contains("APP.HAZ.N62", "NUMBER(6,2)");

        db.exec("CREATE TABLE APP.SAFE (NFREE NUMBER, T6 TIMESTAMP(6), V VARCHAR2(10 CHAR), R RAW(16),"
                + " PRIMARY KEY (NFREE, T6, V, R))");
        TableInfo safe = db.table("SAFE");
        assertThat(new OracleDialect().keyHazards(safe)).isEmpty();
        assertThat(new OracleDialect().keyCollisions(db.connection, safe,
                List.of("[1.0, \"2025-09-30T14:30:15.1234561\", \"a\", \"\\\\x01\"]", "[1.00, \"2025-09-30T14:30:15.1234562\", \"A\", \"\\\\x01\"]")))
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void numberKeysThatRoundToOneValueCollide(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.PRICES (PRICE NUMBER(6,2) PRIMARY KEY, NOTE VARCHAR2(10))");
        collide(technique, "PRICES", "price", List.of("[498.765]", "[1]", "[498.774]", "[-1.005]", "[-1.014]"),
                new KeyCollision("[498.765]", "[498.774]", "column PRICE NUMBER(6,2) stores both as 498.77"),
                new KeyCollision("[-1.005]", "[-1.014]", "column PRICE NUMBER(6,2) stores both as -1.01"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void charKeysThatDifferInTrailingBlanksCollide(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.CODES (CODE CHAR(5 CHAR) PRIMARY KEY, NOTE VARCHAR2(10))");
        collide(technique, "CODES", "code", List.of("[\"a\"]", "[\" a\"]", "[\"a \"]", "[\"A\"]", "[\"a  \"]"),
                new KeyCollision("[\"a\"]", "[\"a \"]", "column CODE CHAR(5 CHAR) stores both as 'a' (blank-padded)"),
                new KeyCollision("[\"a\"]", "[\"a  \"]", "column CODE CHAR(5 CHAR) stores both as 'a' (blank-padded)"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void timestampKeysThatDifferBelowThePrecisionCollide(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.EVENTS (AT TIMESTAMP(3) PRIMARY KEY, NOTE VARCHAR2(10))",
                "CREATE TABLE APP.DAYS (AT DATE PRIMARY KEY, NOTE VARCHAR2(10))");
        collide(technique, "EVENTS", "at", List.of("[\"2025-09-30T14:30:15.1234\"]", "[\"2025-09-30T14:30:15.1236\"]",
                "[\"2025-09-30T14:30:15.1231\"]", "[\"2025-09-30T14:30:15.9996\"]", "[\"2025-09-30T14:30:16Z\"]"),
                new KeyCollision("[\"2025-09-30T14:30:15.1234\"]", "[\"2025-09-30T14:30:15.1231\"]",
                        "column AT TIMESTAMP(3) stores both as 2025-09-30T14:30:15.123"),
                new KeyCollision("[\"2025-09-30T14:30:15.9996\"]", "[\"2025-09-30T14:30:16Z\"]",
                        "column AT TIMESTAMP(3) stores both as 2025-09-30T14:30:16"));
        collide(technique, "DAYS", "at", List.of("[\"2025-09-30T14:30:15.2\"]", "[\"2025-09-30T14:30:15.9\"]", "[\"2025-09-30\"]"),
                new KeyCollision("[\"2025-09-30T14:30:15.2\"]", "[\"2025-09-30T14:30:15.9\"]",
                        "column AT DATE stores both as 2025-09-30T14:30:15"));
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void aTwoColumnKeyCollidesOnlyWhenTheWholeKeyDoes(OracleApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE APP.QUOTES (PRICE NUMBER(6,2), CODE VARCHAR2(5 CHAR), NOTE VARCHAR2(10), PRIMARY KEY (PRICE, CODE))");
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table("QUOTES");
        List<String> keys = List.of("[1.001, \"x\"]", "[1.004, \"y\"]", "[1.004, \"x\"]", "[1.006, \"x\"]");
        assertThat(dialect.keyCollisions(db.connection, t, keys)).containsExactly(
                new KeyCollision("[1.001, \"x\"]", "[1.004, \"x\"]", "column PRICE NUMBER(6,2) stores both as 1.00"));
        for (String k : keys) {
            db.upsert(dialect, t, db.upsert("QUOTES", k, "{\"code\": " + k.substring(k.indexOf(',') + 2, k.length() - 1)
                    + ", \"note\": \"n\", \"price\": " + k.substring(1, k.indexOf(',')) + "}"));
        }
        assertThat(db.one("SELECT COUNT(*) FROM APP.QUOTES")).isEqualTo("3");
    }

    @Test
    void aCaseInsensitiveCollationIsReadAndItsKeysCollide() throws SQLException {
        withCollationColumn();
        db.exec("CREATE TABLE APP.NAMES (NAME VARCHAR2(10 CHAR) PRIMARY KEY, NOTE VARCHAR2(10))",
                "CREATE TABLE APP.TAGS (TAG CHAR(4 CHAR), N NUMBER, PRIMARY KEY (TAG, N))",
                "INSERT INTO PUBLIC.COLUMN_COLLATIONS VALUES ('APP', 'NAMES', 'NAME', 'BINARY_CI'),"
                        + " ('APP', 'NAMES', 'NOTE', 'USING_NLS_COMP'), ('APP', 'TAGS', 'TAG', 'BINARY_AI')");
        TableInfo names = db.table("NAMES");
        assertThat(names.column("NAME").collation()).isEqualTo("BINARY_CI");
        assertThat(names.column("NOTE").collation()).isEqualTo("USING_NLS_COMP");
        OracleDialect dialect = new OracleDialect();
        assertThat(dialect.keyHazards(names)).singleElement().satisfies(h -> {
            assertThat(h.folds()).contains("collation BINARY_CI ignores case");
            assertThat(h.fix()).isEqualTo("ALTER TABLE \"APP\".\"NAMES\" MODIFY (\"NAME\" VARCHAR2(10 CHAR) COLLATE BINARY)");
        });
        assertThat(dialect.keyCollisions(db.connection, names, List.of("[\"ada\"]", "[\"Bob\"]", "[\"ADA\"]", "[\"bob\"]")))
                .containsExactly(
                        new KeyCollision("[\"ada\"]", "[\"ADA\"]", "column NAME VARCHAR2(10 CHAR) compares both as equal under collation BINARY_CI"),
                        new KeyCollision("[\"Bob\"]", "[\"bob\"]", "column NAME VARCHAR2(10 CHAR) compares both as equal under collation BINARY_CI"));
        TableInfo tags = db.table("TAGS");
        assertThat(dialect.keyHazards(tags)).singleElement().satisfies(h -> {
            assertThat(h.folds()).contains("blank-padded", "collation BINARY_AI ignores accents and case");
            assertThat(h.fix()).isEqualTo("ALTER TABLE \"APP\".\"TAGS\" MODIFY (\"TAG\" VARCHAR2(4 CHAR) COLLATE BINARY)");
        });
        assertThat(dialect.keyCollisions(db.connection, tags, List.of("[\"é\", 1]", "[\"E \", 1]", "[\"e\", 2]")))
                .containsExactly(new KeyCollision("[\"é\", 1]", "[\"E \", 1]",
                        "column TAG CHAR(4 CHAR) compares both as equal under collation BINARY_AI"));
    }

    /**
     * Gives the H2 dictionary emulation the {@code ALL_TAB_COLS.COLLATION} column of Oracle 12.2 and later,
     * filled from table {@code PUBLIC.COLUMN_COLLATIONS} (null for other columns, as for non-text columns).
     */
    private void withCollationColumn() throws SQLException {
        String view = OracleDb.statements(OracleDb.resource("/oracle/h2-oracle-catalog.sql")).stream()
                .filter(sql -> sql.startsWith("CREATE VIEW PUBLIC.ALL_TAB_COLS AS")).findFirst().orElseThrow();
        db.exec(view.replace("PUBLIC.ALL_TAB_COLS AS", "PUBLIC.ALL_TAB_COLS_BEFORE_12_2 AS"),
                "CREATE TABLE PUBLIC.COLUMN_COLLATIONS (OWNER VARCHAR(128), TABLE_NAME VARCHAR(128), COLUMN_NAME VARCHAR(128),"
                        + " COLLATION VARCHAR(100))",
                "CREATE OR REPLACE VIEW PUBLIC.ALL_TAB_COLS AS SELECT c.*, k.COLLATION FROM PUBLIC.ALL_TAB_COLS_BEFORE_12_2 c"
                        + " LEFT JOIN PUBLIC.COLUMN_COLLATIONS k ON k.OWNER = c.OWNER AND k.TABLE_NAME = c.TABLE_NAME"
                        + " AND k.COLUMN_NAME = c.COLUMN_NAME");
    }

    /**
     * Checks the collisions the dialect finds among keys of a one-column key table, then upserts one row per
     * key with the technique and checks that the target indeed stored one row per key that does not collide.
     */
    private void collide(OracleApplyTechnique technique, String table, String column, List<String> keys,
            KeyCollision... expected) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table(table);
        assertThat(dialect.keyHazards(t)).isNotEmpty();
        assertThat(dialect.keyCollisions(db.connection, t, keys)).containsExactly(expected);
        assertThat(dialect.keyCollisions(db.connection, t, keys.subList(0, 1))).isEmpty();
        for (String key : keys) {
            db.upsert(dialect, t, db.upsert(table, key, "{\"" + column + "\": " + key.substring(1, key.length() - 1)
                    + ", \"note\": \"n\"}"));
        }
        assertThat(db.one("SELECT COUNT(*) FROM APP." + table)).isEqualTo(String.valueOf(keys.size() - expected.length));
    }

    /** Upserts one row per key, checks what the table stored, deletes every key by the same source key text. */
    private void upsertThenDelete(OracleApplyTechnique technique, String table, List<String> keys, List<String> afters,
            String storedSql, List<String> stored) throws SQLException {
        OracleDialect dialect = new OracleDialect(technique);
        TableInfo t = db.table(table);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(dialect.checkRow(t, afters.get(i))).isNull();
            db.upsert(dialect, t, db.upsert(table, keys.get(i), afters.get(i)));
        }
        assertThat(db.query(storedSql)).extracting(row -> row.get(0)).containsExactlyElementsOf(stored);
        db.delete(dialect, t, keys.stream().map(k -> db.delete(table, k)).toArray(Mutation[]::new));
        assertThat(db.one("SELECT COUNT(*) FROM APP." + table)).as("rows left after deleting %s", keys).isEqualTo("0");
    }
}
