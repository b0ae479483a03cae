package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mutation;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
