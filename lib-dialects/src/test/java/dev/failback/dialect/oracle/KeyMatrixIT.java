package dev.failback.dialect.oracle;

import static dev.failback.dialect.KeyMatrix.key;
import static dev.failback.dialect.KeyMatrix.one;
import static dev.failback.dialect.KeyMatrix.str;
import static dev.failback.dialect.KeyMatrix.two;

import dev.failback.Mutation;
import dev.failback.dialect.KeyMatrix;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key matrix (see {@link KeyMatrix}) in Oracle-typed columns (H2 in Oracle mode), with every apply
 * technique: each CockroachDB key type in the column type a migrated schema has on Oracle.
 */
class KeyMatrixIT {
    private static OracleDb db;

    @BeforeAll
    static void open() throws SQLException {
        db = OracleDb.h2();
    }

    @AfterAll
    static void close() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    static List<KeyMatrix.Case> cases() {
        String longText = "x".repeat(1000);
        String longWide = "é世😀".repeat(100);
        return List.of(
                one("int2", "NUMBER(5)", "%s", key("32767", "32767"), key("-32768", "-32768"), key("0", "0")),
                one("int4", "NUMBER(10)", "%s", key("2147483647", "2147483647"), key("-2147483648", "-2147483648")),
                one("int8", "NUMBER(19)", "%s", key("9223372036854775807", "9223372036854775807"),
                        key("-9223372036854775808", "-9223372036854775808"), key("0", "0"), key("-1", "-1")),
                one("decimal", "NUMBER", "TO_CHAR(%s)", key("1234.5000", "1234.5"), key("4.321E+10", "43210000000"),
                        key("-1.5E-3", "-0.0015"), key("-0", "0"), key("1E+13", "10000000000000"),
                        key("123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678")),
                one("decimal_scaled", "NUMBER(18,4)", "TO_CHAR(%s)", key("1234.5", "1234.5"),
                        key("4.321E+10", "43210000000"), key("99999999999999.9999", "99999999999999.9999")),
                one("float8", "BINARY_DOUBLE", "%s", key("3.141592653589793", "3.141592653589793"),
                        key("4.321E+10", "4.321E10"), key("1E-7", "1.0E-7"),
                        key("-1.7976931348623157E+308", "-1.7976931348623157E308"), key("4.9E-324", "4.9E-324"),
                        key("100", "100.0"), key(str("NaN"), "NaN"), key(str("Infinity"), "Infinity"),
                        key(str("-Infinity"), "-Infinity")),
                // FLOAT4 as CockroachDB emits it: the float64 text of the float32 value
                one("float4", "BINARY_FLOAT", "%s", key("1.100000023841858", "1.1"), key("4.3209998336E+10", "4.3209998E10"),
                        key("-3.4028234663852886E+38", "-3.4028235E38"), key("1.401298464324817E-45", "1.4E-45")),
                // a FLOAT8 source into BINARY_FLOAT: more precision than the column keeps
                one("float_rounds", "BINARY_FLOAT", "%s", key("1.1", "1.1"), key("4.321E+10", "4.3209998E10"),
                        key("3.141592653589793", "3.1415927"), key("0.1", "0.1")),
                one("string", "VARCHAR2(1000 CHAR)", "%s", key(str("a"), "a"), key(str("A"), "A"), key(str("a "), "a "),
                        key(str("straße"), "straße"), key(str("strasse"), "strasse"), key(str("世界😀"), "世界😀"),
                        key(str("q'uote \"dq\" \\ back\nnl\ttab"), "q'uote \"dq\" \\ back\nnl\ttab"),
                        key(str(longText), longText), key(str(longWide), longWide)),
                one("char3", "CHAR(3 CHAR)", "%s", key(str("USD"), "USD"), key(str("é€x"), "é€x")),
                one("bytes", "RAW(300)", "LOWER(RAWTOHEX(%s))", key(str("\\x00"), "00"),
                        key(str("\\x0000"), "0000"), key(str("\\x0001feff"), "0001feff"),
                        key(str("\\x" + "ab".repeat(300)), "ab".repeat(300))),
                one("bool", "NUMBER(1)", "%s", key("true", "1"), key("false", "0")),
                one("date", "DATE", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS')", key(str("2025-09-30"), "2025-09-30 00:00:00"),
                        key(str("1970-01-01"), "1970-01-01 00:00:00"), key(str("0001-01-01"), "0001-01-01 00:00:00"),
                        key(str("9999-12-31"), "9999-12-31 00:00:00")),
                one("time", "VARCHAR2(20 CHAR)", "%s", key(str("14:30:15.123456"), "14:30:15.123456"),
                        key(str("00:00:00"), "00:00:00"), key(str("24:00:00"), "24:00:00")),
                one("timestamp", "TIMESTAMP(6)", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS.FF6')",
                        key(str("2025-09-30T14:30:15.123456"), "2025-09-30 14:30:15.123456"),
                        key(str("1970-01-01T00:00:00"), "1970-01-01 00:00:00.000000"),
                        key(str("0001-01-01T00:00:00"), "0001-01-01 00:00:00.000000"),
                        key(str("9999-12-31T23:59:59.999999"), "9999-12-31 23:59:59.999999")),
                // TIMESTAMP WITH TIME ZONE cannot be a key on Oracle (ORA-02329): UTC in TIMESTAMP(6)
                one("timestamptz", "TIMESTAMP(6)", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS.FF6')",
                        key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("2025-09-30T16:30:15.5+02:00"), "2025-09-30 14:30:15.500000"),
                        key(str("2025-09-30T23:30:00-05:30"), "2025-10-01 05:00:00.000000")),
                // more fractional digits than the column keeps (H2 truncates them)
                one("timestamp_rounds", "TIMESTAMP(0)", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS')",
                        key(str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:15"),
                        key(str("2025-09-30T14:30:17.123456"), "2025-09-30 14:30:17")),
                one("timestamp_date", "DATE", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS')",
                        key(str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:15"),
                        key(str("2025-09-30T14:30:17.123456Z"), "2025-09-30 14:30:17")),
                one("interval", "VARCHAR2(40 CHAR)", "%s", key(str("1 day 02:03:04.5"), "1 day 02:03:04.5"),
                        key(str("-01:30:00"), "-01:30:00"), key(str("1 year 2 mons 3 days"), "1 year 2 mons 3 days")),
                one("uuid", "RAW(16)", "LOWER(RAWTOHEX(%s))",
                        key(str("6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "6f1d7c2e3b4a4c5d8e9f0a1b2c3d4e5f"),
                        key(str("00000000-0000-0000-0000-000000000000"), "00000000000000000000000000000000"),
                        key(str("ffffffff-ffff-ffff-ffff-ffffffffffff"), "ffffffffffffffffffffffffffffffff")),
                one("uuid_text", "VARCHAR2(36 CHAR)", "%s",
                        key(str("6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"),
                        key(str("00000000-0000-0000-0000-000000000000"), "00000000-0000-0000-0000-000000000000")),
                one("inet", "VARCHAR2(45 CHAR)", "%s", key(str("192.168.10.5"), "192.168.10.5"),
                        key(str("10.0.0.0/8"), "10.0.0.0/8"), key(str("2001:db8::1"), "2001:db8::1")),
                one("enum", "VARCHAR2(20 CHAR)", "%s", key(str("happy"), "happy"), key(str("sad"), "sad")),
                one("bit8", "VARCHAR2(8 CHAR)", "%s", key(str("10100101"), "10100101"), key(str("00000000"), "00000000")),
                two("composite", "VARCHAR2(20 CHAR)", "%s", "TIMESTAMP(6)", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS.FF6')",
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123457Z"), "2025-09-30 14:30:15.123457"),
                        key(str("Acme"), "Acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456")));
    }

    static Stream<Arguments> oracle() {
        List<Arguments> out = new ArrayList<>();
        for (OracleApplyTechnique technique : OracleApplyTechnique.values()) {
            for (KeyMatrix.Case c : cases()) {
                out.add(Arguments.of(technique, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("oracle")
    void keyUpsertsUpdatesAndDeletes(OracleApplyTechnique technique, KeyMatrix.Case c) throws SQLException {
        KeyMatrix.run(target(db, new OracleDialect(technique)), c, technique.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Keys more precise than their NUMBER(p,s) column, which rounds them: the delete by the same source
     * key leaves the row on this branch.
     */
    static List<KeyMatrix.Case> pendingCases() {
        return List.of(one("decimal_rounds", "NUMBER(6,2)", "%s", key("498.765", "498.77"), key("-1.115", "-1.12"),
                        key("4.98764E+2", "498.76"), key("9999.99", "9999.99")),
                two("composite_rounds", "NUMBER(6,2)", "TO_CHAR(%s)", "TIMESTAMP(0)", "TO_CHAR(%s, 'YYYY-MM-DD HH24:MI:SS')",
                        key("498.765", "498.77", str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:15"),
                        key("498.765", "498.77", str("2025-09-30T14:30:17.2"), "2025-09-30 14:30:17"),
                        key("1.5E+2", "150", str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:15")));
    }

    static Stream<Arguments> pending() {
        List<Arguments> out = new ArrayList<>();
        for (OracleApplyTechnique technique : OracleApplyTechnique.values()) {
            for (KeyMatrix.Case c : pendingCases()) {
                out.add(Arguments.of(technique, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pending")
    void roundedKeyUpsertsUpdatesAndDeletes(OracleApplyTechnique technique, KeyMatrix.Case c) throws SQLException {
        KeyMatrix.run(target(db, new OracleDialect(technique)), c, technique.name().toLowerCase(Locale.ROOT));
    }

    /** The runner's view of an Oracle (or H2) owner and dialect. */
    static KeyMatrix.Target target(OracleDb db, OracleDialect dialect) {
        return new KeyMatrix.Target() {
            @Override
            public String sqlName(String table) {
                return db.owner + "." + table;
            }

            @Override
            public String textType() {
                return "VARCHAR2(10 CHAR)";
            }

            @Override
            public void exec(String sql) throws SQLException {
                db.exec(sql);
            }

            @Override
            public List<List<String>> query(String sql) throws SQLException {
                return db.query(sql);
            }

            @Override
            public void upsert(String table, List<String[]> rows) throws SQLException {
                TableInfo t = db.table(table.toUpperCase(Locale.ROOT));
                List<Mutation> ms = new ArrayList<>();
                for (String[] r : rows) {
                    ms.add(db.upsert(t.name().name(), r[0], r[1]));
                }
                db.upsert(dialect, t, ms);
            }

            @Override
            public void delete(String table, List<String> keys) throws SQLException {
                TableInfo t = db.table(table.toUpperCase(Locale.ROOT));
                List<Mutation> ms = new ArrayList<>();
                for (String k : keys) {
                    ms.add(db.delete(t.name().name(), k));
                }
                db.delete(dialect, t, ms.toArray(new Mutation[0]));
            }
        };
    }
}
