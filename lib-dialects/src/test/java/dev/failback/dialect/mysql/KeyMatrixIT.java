package dev.failback.dialect.mysql;

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
 * The key matrix (see {@link KeyMatrix}) on MariaDB, with every apply technique: each CockroachDB key
 * type in the column type a migrated schema has on MariaDB/MySQL, upserted, updated and deleted by key.
 * {@link MySql8IT} runs the same cases on MySQL 8 where Docker exists.
 */
class KeyMatrixIT {
    static final String NOPAD_BIN = "utf8mb4_nopad_bin";
    private static MyDatabase db;

    @BeforeAll
    static void createDatabase() throws SQLException {
        db = MyDatabase.create();
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    /**
     * The cases; {@code binaryCollation} is the binary collation without trailing-space padding of the
     * flavor ({@code utf8mb4_nopad_bin} on MariaDB, {@code utf8mb4_0900_bin} on MySQL 8), and
     * {@code mysql} selects MySQL 8's results where the flavors differ (MySQL rounds fractional seconds
     * beyond a column's precision, MariaDB truncates them).
     */
    static List<KeyMatrix.Case> cases(String binaryCollation, boolean mysql) {
        String longText = "x".repeat(255);
        String longWide = "é世😀".repeat(85);
        return List.of(
                one("int2", "smallint", "%s", key("32767", "32767"), key("-32768", "-32768"), key("0", "0")),
                one("int4", "int", "%s", key("2147483647", "2147483647"), key("-2147483648", "-2147483648"),
                        key("1", "1")),
                one("int8", "bigint", "%s", key("9223372036854775807", "9223372036854775807"),
                        key("-9223372036854775808", "-9223372036854775808"), key("0", "0"), key("-1", "-1")),
                one("int8_unsigned", "bigint unsigned", "%s", key("18446744073709551615", "18446744073709551615"),
                        key("0", "0")),
                one("decimal", "decimal(18,4)", "%s", key("1234.5000", "1234.5000"), key("4.321E+10", "43210000000.0000"),
                        key("-1.5E-3", "-0.0015"), key("-0", "0.0000"), key("99999999999999.9999", "99999999999999.9999"),
                        key("-99999999999999.9999", "-99999999999999.9999"), key("1E+13", "10000000000000.0000")),
                // the key has more digits than the column keeps: the delete must find the rounded row
                one("decimal_rounds", "decimal(6,2)", "%s", key("498.765", "498.77"), key("-1.115", "-1.12"),
                        key("4.98764E+2", "498.76"), key("9999.99", "9999.99"), key("1.5E-3", "0.00")),
                one("float8", "double", "%s", key("3.141592653589793", "3.141592653589793"), key("4.321E+10", "4.321E10"),
                        key("1E-7", "1.0E-7"), key("-1.7976931348623157E+308", "-1.7976931348623157E308"),
                        key("4.9E-324", "4.9E-324"), key("-0", "0.0"), key("100", "100.0")),
                // FLOAT4 as CockroachDB emits it: the float64 text of the float32 value
                one("float4", "float", "CAST(%s AS DOUBLE)", key("1.100000023841858", "1.100000023841858"),
                        key("4.3209998336E+10", "4.3209998336E10"), key("-3.4028234663852886E+38", "-3.4028234663852886E38"),
                        key("1.401298464324817E-45", "1.401298464324817E-45")),
                // a FLOAT8 source into FLOAT: more precision than the column keeps
                one("float_rounds", "float", "CAST(%s AS DOUBLE)", key("1.1", "1.100000023841858"),
                        key("4.321E+10", "4.3209998336E10"), key("3.141592653589793", "3.1415927410125732"),
                        key("0.1", "0.10000000149011612")),
                one("string", "varchar(255) COLLATE " + binaryCollation, "HEX(%s)", key(str("a"), hex("a")),
                        key(str("A"), hex("A")), key(str("a "), hex("a ")), key(str(""), ""),
                        key(str("straße"), hex("straße")), key(str("strasse"), hex("strasse")),
                        key(str("世界😀"), hex("世界😀")), key(str("q'uote \"dq\" \\ back\nnl\ttab"), hex("q'uote \"dq\" \\ back\nnl\ttab")),
                        key(str(longText), hex(longText)), key(str(longWide), hex(longWide))),
                one("char3", "char(3) COLLATE " + binaryCollation, "HEX(%s)", key(str("USD"), hex("USD")),
                        key(str("A"), hex("A")), key(str("é€"), hex("é€"))),
                one("bytes", "varbinary(300)", "HEX(%s)", key(str("\\x"), ""), key(str("\\x00"), "00"),
                        key(str("\\x0000"), "0000"), key(str("\\x0001feff"), "0001FEFF"),
                        key(str("\\x" + "ab".repeat(300)), "AB".repeat(300))),
                one("bool", "tinyint(1)", "%s", key("true", "1"), key("false", "0")),
                one("date", "date", "%s", key(str("2025-09-30"), "2025-09-30"), key(str("1970-01-01"), "1970-01-01"),
                        key(str("0001-01-01"), "0001-01-01"), key(str("9999-12-31"), "9999-12-31")),
                one("time", "time(6)", "CAST(%s AS CHAR)", key(str("14:30:15.123456"), "14:30:15.123456"),
                        key(str("00:00:00"), "00:00:00.000000"), key(str("23:59:59.999999"), "23:59:59.999999"),
                        key(str("24:00:00"), "24:00:00.000000")),
                one("time_rounds", "time(0)", "CAST(%s AS CHAR)", key(str("14:30:15.9"), mysql ? "14:30:16" : "14:30:15"),
                        key(str("09:00:00.123456"), "09:00:00"), key(str("23:59:58.5"), mysql ? "23:59:59" : "23:59:58")),
                one("timestamp", "datetime(6)", "CAST(%s AS CHAR)", key(str("2025-09-30T14:30:15.123456"), "2025-09-30 14:30:15.123456"),
                        key(str("1970-01-01T00:00:00"), "1970-01-01 00:00:00.000000"),
                        key(str("0001-01-01T00:00:00"), "0001-01-01 00:00:00.000000"),
                        key(str("9999-12-31T23:59:59.999999"), "9999-12-31 23:59:59.999999")),
                one("timestamptz", "datetime(6)", "CAST(%s AS CHAR)", key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("2025-09-30T16:30:15.5+02:00"), "2025-09-30 14:30:15.500000"),
                        key(str("2025-09-30T23:30:00-05:30"), "2025-10-01 05:00:00.000000"),
                        key(str("9999-12-31T23:59:59.999999Z"), "9999-12-31 23:59:59.999999")),
                one("timestamptz_ts", "timestamp(6)", "CAST(%s AS CHAR)", key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("1970-01-01T00:00:01Z"), "1970-01-01 00:00:01.000000"),
                        key(str("2038-01-19T03:14:07.999999Z"), "2038-01-19 03:14:07.999999"),
                        key(str("2025-09-30T16:30:16+02:00"), "2025-09-30 14:30:16.000000")),
                // more fractional digits than the column keeps
                one("timestamp_rounds", "datetime(0)", "CAST(%s AS CHAR)",
                        key(str("2025-09-30T14:30:15.9"), mysql ? "2025-09-30 14:30:16" : "2025-09-30 14:30:15"),
                        key(str("2025-09-30T14:30:17.123456"), "2025-09-30 14:30:17"),
                        key(str("2025-09-30T14:30:20.5Z"), mysql ? "2025-09-30 14:30:21" : "2025-09-30 14:30:20")),
                one("timestamptz_rounds", "timestamp(3)", "CAST(%s AS CHAR)",
                        key(str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123"),
                        key(str("2025-09-30T14:30:15.9999Z"), mysql ? "2025-09-30 14:30:16.000" : "2025-09-30 14:30:15.999")),
                one("interval", "varchar(64) COLLATE " + binaryCollation, "%s", key(str("1 day 02:03:04.5"), "1 day 02:03:04.5"),
                        key(str("-01:30:00"), "-01:30:00"), key(str("1 year 2 mons 3 days"), "1 year 2 mons 3 days"),
                        key(str("00:00:00"), "00:00:00")),
                one("uuid", "char(36) COLLATE ascii_bin", "%s",
                        key(str("6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"),
                        key(str("00000000-0000-0000-0000-000000000000"), "00000000-0000-0000-0000-000000000000"),
                        key(str("ffffffff-ffff-ffff-ffff-ffffffffffff"), "ffffffff-ffff-ffff-ffff-ffffffffffff")),
                one("uuid_binary", "binary(16)", "HEX(%s)",
                        key(str("6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "6F1D7C2E3B4A4C5D8E9F0A1B2C3D4E5F"),
                        key(str("00000000-0000-0000-0000-000000000000"), "00000000000000000000000000000000"),
                        key(str("ffffffff-ffff-ffff-ffff-ffffffffffff"), "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")),
                one("inet", "varchar(43) COLLATE ascii_bin", "%s", key(str("192.168.10.5"), "192.168.10.5"),
                        key(str("10.0.0.0/8"), "10.0.0.0/8"), key(str("2001:db8::1"), "2001:db8::1"),
                        key(str("::ffff:1.2.3.4"), "::ffff:1.2.3.4"), key(str("2001:db8::/32"), "2001:db8::/32")),
                one("enum", "enum('happy','sad','ok')", "%s", key(str("happy"), "happy"), key(str("sad"), "sad"),
                        key(str("ok"), "ok")),
                one("bit8", "bit(8)", "LPAD(BIN(%s + 0), 8, '0')", key(str("10100101"), "10100101"),
                        key(str("00000000"), "00000000"), key(str("11111111"), "11111111")),
                two("composite", "varchar(20) COLLATE " + binaryCollation, "%s", "datetime(6)", "CAST(%s AS CHAR)",
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456"),
                        key(str("acme"), "acme", str("2025-09-30T14:30:15.123457Z"), "2025-09-30 14:30:15.123457"),
                        key(str("Acme"), "Acme", str("2025-09-30T14:30:15.123456Z"), "2025-09-30 14:30:15.123456")),
                two("composite_rounds", "decimal(6,2)", "%s", "datetime(0)", "CAST(%s AS CHAR)",
                        key("498.765", "498.77", str("2025-09-30T14:30:15.9"), mysql ? "2025-09-30 14:30:16" : "2025-09-30 14:30:15"),
                        key("498.765", "498.77", str("2025-09-30T14:30:17.2"), "2025-09-30 14:30:17"),
                        key("1.5E+2", "150.00", str("2025-09-30T14:30:15.9"), mysql ? "2025-09-30 14:30:16" : "2025-09-30 14:30:15")));
    }

    static Stream<Arguments> mariadb() {
        List<Arguments> out = new ArrayList<>();
        for (MySqlApplyTechnique technique : MySqlApplyTechnique.values()) {
            for (KeyMatrix.Case c : cases(NOPAD_BIN, false)) {
                out.add(Arguments.of(technique, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("mariadb")
    void keyUpsertsUpdatesAndDeletes(MySqlApplyTechnique technique, KeyMatrix.Case c) throws SQLException {
        KeyMatrix.run(target(db, db.dialect(technique)), c, technique.name().toLowerCase());
    }

    static String hex(String s) {
        return TypeZoo.hex(s);
    }

    /** The runner's view of a MariaDB/MySQL database and dialect. */
    static KeyMatrix.Target target(MyDatabase db, MySqlDialect dialect) {
        return new KeyMatrix.Target() {
            @Override
            public String sqlName(String table) {
                return Sql.quote(table);
            }

            @Override
            public String textType() {
                return "varchar(10)";
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
                TableInfo t = db.table(dialect, table);
                List<Mutation> ms = new ArrayList<>();
                for (String[] r : rows) {
                    ms.add(db.upsert(table, r[0], r[1]));
                }
                db.upsert(dialect, t, ms.toArray(new Mutation[0]));
            }

            @Override
            public void delete(String table, List<String> keys) throws SQLException {
                TableInfo t = db.table(dialect, table);
                List<Mutation> ms = new ArrayList<>();
                for (String k : keys) {
                    ms.add(db.delete(table, k));
                }
                db.delete(dialect, t, ms.toArray(new Mutation[0]));
            }
        };
    }
}
