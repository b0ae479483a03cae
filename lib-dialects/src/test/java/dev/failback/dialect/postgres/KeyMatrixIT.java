package dev.failback.dialect.postgres;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key matrix (see {@link KeyMatrix}) on PostgreSQL, with every apply technique: each CockroachDB
 * key type as the same PostgreSQL type, upserted, updated and deleted by key.
 */
class KeyMatrixIT {
    private static PgSchema db;

    @BeforeAll
    static void createSchema() throws SQLException {
        db = PgSchema.create();
        db.exec("CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok')");
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    /** A timestamptz as UTC text. */
    private static final String UTC = "(%s AT TIME ZONE 'UTC')::text";

    /**
     * The cases for a technique: {@link ApplyTechnique#JSONB_RECORDSET} stores a float {@code -0} as {@code 0}
     * (a jsonb number has no negative zero; the two are one key on PostgreSQL and CockroachDB alike).
     */
    static List<KeyMatrix.Case> cases(ApplyTechnique technique) {
        String longText = "x".repeat(1000);
        String longWide = "é世😀".repeat(300);
        return List.of(
                one("int2", "smallint", "%s::text", key("32767", "32767"), key("-32768", "-32768"), key("0", "0")),
                one("int4", "integer", "%s::text", key("2147483647", "2147483647"), key("-2147483648", "-2147483648"),
                        key("1", "1")),
                one("int8", "bigint", "%s::text", key("9223372036854775807", "9223372036854775807"),
                        key("-9223372036854775808", "-9223372036854775808"), key("0", "0"), key("-1", "-1")),
                one("decimal", "numeric", "%s::text", key("1234.5000", "1234.5000"), key("4.321E+10", "43210000000"),
                        key("-1.5E-3", "-0.0015"), key("-0", "0"), key("1E+13", "10000000000000"),
                        key("0.000000000000000000001", "0.000000000000000000001"),
                        key("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"),
                        key(str("NaN"), "NaN"), key(str("Infinity"), "Infinity"), key(str("-Infinity"), "-Infinity")),
                one("decimal_scaled", "numeric(18,4)", "%s::text", key("1234.5", "1234.5000"),
                        key("4.321E+10", "43210000000.0000"), key("99999999999999.9999", "99999999999999.9999")),
                // the key has more digits than the column keeps: the delete must find the rounded row
                one("decimal_rounds", "numeric(6,2)", "%s::text", key("498.765", "498.77"), key("-1.115", "-1.12"),
                        key("4.98764E+2", "498.76"), key("9999.99", "9999.99"), key("1.5E-3", "0.00")),
                one("float8", "double precision", "%s::text", key("3.141592653589793", "3.141592653589793"),
                        key("4.321E+10", "43210000000"), key("1E-7", "1e-07"),
                        key("-1.7976931348623157E+308", "-1.7976931348623157e+308"), key("4.9E-324", "5e-324"),
                        key("-0", technique == ApplyTechnique.JSONB_RECORDSET ? "0" : "-0"), key("100", "100"), key(str("NaN"), "NaN"), key(str("Infinity"), "Infinity"),
                        key(str("-Infinity"), "-Infinity")),
                // FLOAT4 as CockroachDB emits it: the float64 text of the float32 value
                one("float4", "real", "%s::text", key("1.100000023841858", "1.1"), key("4.3209998336E+10", "4.321e+10"),
                        key("-3.4028234663852886E+38", "-3.4028235e+38"), key("1.401298464324817E-45", "1e-45"),
                        key(str("NaN"), "NaN")),
                // a FLOAT8 source into real: more precision than the column keeps
                one("float_rounds", "real", "%s::text", key("1.1", "1.1"), key("4.321E+10", "4.321e+10"),
                        key("3.141592653589793", "3.1415927"), key("0.1", "0.1")),
                one("string", "text", "%s", key(str("a"), "a"), key(str("A"), "A"), key(str("a "), "a "), key(str(""), ""),
                        key(str("straße"), "straße"), key(str("strasse"), "strasse"), key(str("世界😀"), "世界😀"),
                        key(str("q'uote \"dq\" \\ back\nnl\ttab"), "q'uote \"dq\" \\ back\nnl\ttab"),
                        key(str(longText), longText), key(str(longWide), longWide)),
                one("varchar", "varchar(20)", "%s", key(str("a"), "a"), key(str("a  "), "a  "),
                        key(str("é世😀".repeat(6) + "xy"), "é世😀".repeat(6) + "xy")),
                one("char3", "char(3)", "%s", key(str("USD"), "USD"), key(str("é€x"), "é€x"), key(str("A"), "A  "),
                        key(str("ab"), "ab "), key(str("é"), "é  "), key(str(""), "   ")),
                one("bytes", "bytea", "encode(%s, 'hex')", key(str("\\x"), ""), key(str("\\x00"), "00"),
                        key(str("\\x0000"), "0000"), key(str("\\x0001feff"), "0001feff"),
                        key(str("\\x" + "ab".repeat(300)), "ab".repeat(300))),
                one("bool", "boolean", "%s::text", key("true", "true"), key("false", "false")),
                one("date", "date", "%s::text", key(str("2025-09-30"), "2025-09-30"), key(str("1970-01-01"), "1970-01-01"),
                        key(str("0001-01-01"), "0001-01-01"), key(str("9999-12-31"), "9999-12-31"),
                        key(str("infinity"), "infinity"), key(str("-infinity"), "-infinity")),
                one("time", "time", "%s::text", key(str("14:30:15.123456"), "14:30:15.123456"),
                        key(str("00:00:00"), "00:00:00"), key(str("23:59:59.999999"), "23:59:59.999999"),
                        key(str("24:00:00"), "24:00:00")),
                one("time_rounds", "time(0)", "%s::text", key(str("14:30:15.9"), "14:30:16"),
                        key(str("09:00:00.123456"), "09:00:00"), key(str("23:59:58.5"), "23:59:59")),
                one("timetz", "timetz", "%s::text", key(str("14:30:15.123456+02"), "14:30:15.123456+02"),
                        key(str("14:30:15.123456+00"), "14:30:15.123456+00"), key(str("00:00:00-05:30"), "00:00:00-05:30")),
                one("timestamp", "timestamp", "%s::text", key(str("2025-09-30T14:30:15.123456"), "2025-09-30 14:30:15.123456"),
                        key(str("1970-01-01T00:00:00"), "1970-01-01 00:00:00"),
                        key(str("0001-01-01T00:00:00"), "0001-01-01 00:00:00"),
                        key(str("9999-12-31T23:59:59.999999"), "9999-12-31 23:59:59.999999"),
                        key(str("infinity"), "infinity")),
                one("timestamptz", "timestamptz", UTC, key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("2025-09-30T16:30:15.5+02:00"), "2025-09-30 14:30:15.5"),
                        key(str("2025-09-30T23:30:00-05:30"), "2025-10-01 05:00:00"),
                        key(str("9999-12-31T23:59:59.999999Z"), "9999-12-31 23:59:59.999999")),
                // more fractional digits than the column keeps
                one("timestamp_rounds", "timestamp(0)", "%s::text",
                        key(str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:16"),
                        key(str("2025-09-30T14:30:17.123456"), "2025-09-30 14:30:17")),
                one("timestamptz_rounds", "timestamptz(3)", UTC,
                        key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123"),
                        key(str("2025-09-30T14:30:15.9999Z"), "2025-09-30 14:30:16")),
                one("interval", "interval", "%s::text", key(str("1 day 02:03:04.5"), "1 day 02:03:04.5"),
                        key(str("-01:30:00"), "-01:30:00"), key(str("1 year 2 mons 3 days"), "1 year 2 mons 3 days"),
                        key(str("00:00:00"), "00:00:00"), key(str("-1 days +02:00:00"), "-1 days +02:00:00")),
                one("uuid", "uuid", "%s::text",
                        key(str("6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"),
                        key(str("00000000-0000-0000-0000-000000000000"), "00000000-0000-0000-0000-000000000000"),
                        key(str("ffffffff-ffff-ffff-ffff-ffffffffffff"), "ffffffff-ffff-ffff-ffff-ffffffffffff")),
                one("inet", "inet", "%s", key(str("192.168.10.5"), "192.168.10.5"),
                        key(str("10.0.0.0/8"), "10.0.0.0/8"), key(str("2001:db8::1"), "2001:db8::1"),
                        key(str("::ffff:1.2.3.4"), "::ffff:1.2.3.4"), key(str("2001:db8::/32"), "2001:db8::/32")),
                one("enum", "mood", "%s::text", key(str("happy"), "happy"), key(str("sad"), "sad"), key(str("ok"), "ok")),
                one("bit8", "bit(8)", "%s::text", key(str("10100101"), "10100101"), key(str("00000000"), "00000000")),
                one("varbit", "varbit", "%s::text", key(str("101"), "101"), key(str("1010"), "1010"), key(str(""), "")),
                one("int8_array", "bigint[]", "%s::text", key("[1, 2]", "{1,2}"), key("[]", "{}"),
                        key("[9223372036854775807, null]", "{9223372036854775807,NULL}")),
                one("string_array", "text[]", "%s::text", key("[\"a\", \"b c\"]", "{a,\"b c\"}"),
                        key("[\"q\\\"uote\", \"NULL\"]", "{\"q\\\"uote\",\"NULL\"}")),
                two("composite", "text", "%s", "timestamptz", UTC,
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123457Z"), "2025-09-30 14:30:15.123457"),
                        key(str("Acme"), "Acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456")),
                two("composite_rounds", "numeric(6,2)", "%s::text", "timestamp(0)", "%s::text",
                        key("498.765", "498.77", str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:16"),
                        key("498.765", "498.77", str("2025-09-30T14:30:17.2"), "2025-09-30 14:30:17"),
                        key("1.5E+2", "150.00", str("2025-09-30T14:30:15.9"), "2025-09-30 14:30:16")));
    }

    static Stream<Arguments> postgres() {
        List<Arguments> out = new ArrayList<>();
        for (ApplyTechnique technique : ApplyTechnique.values()) {
            for (KeyMatrix.Case c : cases(technique)) {
                out.add(Arguments.of(technique, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("postgres")
    void keyUpsertsUpdatesAndDeletes(ApplyTechnique technique, KeyMatrix.Case c) throws SQLException {
        KeyMatrix.run(target(new PostgresDialect(technique)), c, technique.name().toLowerCase());
    }

    /**
     * Source keys with trailing spaces in a character(n) column: the delete by the same source key leaves
     * the row with {@link ApplyTechnique#JSONB_RECORDSET} and {@link ApplyTechnique#UNNEST} on this branch.
     */
    static List<KeyMatrix.Case> paddedCases() {
        return List.of(one("char3_padded", "char(3)", "%s", key(str("b "), "b  "), key(str("c"), "c  "),
                key(str("d  "), "d  "), key(str("e"), "e  ")));
    }

    static Stream<Arguments> padded() {
        List<Arguments> out = new ArrayList<>();
        for (ApplyTechnique technique : ApplyTechnique.values()) {
            for (KeyMatrix.Case c : paddedCases()) {
                out.add(Arguments.of(technique, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("padded")
    void paddedKeyUpsertsUpdatesAndDeletes(ApplyTechnique technique, KeyMatrix.Case c) throws SQLException {
        KeyMatrix.run(target(new PostgresDialect(technique)), c, technique.name().toLowerCase());
    }

    private static KeyMatrix.Target target(PostgresDialect dialect) {
        return new KeyMatrix.Target() {
            @Override
            public String sqlName(String table) {
                return db.name + "." + table;
            }

            @Override
            public String textType() {
                return "text";
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
                TableInfo t = db.table(table);
                List<Mutation> ms = new ArrayList<>();
                for (String[] r : rows) {
                    ms.add(db.upsert(table, r[0], r[1]));
                }
                db.upsert(dialect, t, ms.toArray(new Mutation[0]));
            }

            @Override
            public void delete(String table, List<String> keys) throws SQLException {
                TableInfo t = db.table(table);
                List<Mutation> ms = new ArrayList<>();
                for (String k : keys) {
                    ms.add(db.delete(table, k));
                }
                db.delete(dialect, t, ms.toArray(new Mutation[0]));
            }
        };
    }
}
