package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fixture 12 (every column type a CockroachDB changefeed emits) mapped to Oracle types, with the
 * value each column must hold afterwards. Runs on H2 in Oracle mode and on real Oracle: values are
 * read back through JDBC as Java objects, so nothing depends on either database's text formats.
 */
final class TypeMatrix {

    /** The table; each line: column, Oracle type, the fixture key it receives. */
    static final String DDL = "CREATE TABLE %s.TYPE_MATRIX ("
            + " ID NUMBER(19) PRIMARY KEY,"
            + " C_INT2 NUMBER(5), C_INT4 NUMBER(10), C_INT8 NUMBER(19),"
            + " C_FLOAT8 BINARY_DOUBLE, C_FLOAT8_HUNDRED BINARY_DOUBLE, C_FLOAT8_TINY BINARY_DOUBLE,"
            + " C_FLOAT8_SMALL BINARY_DOUBLE, C_FLOAT8_BIG BINARY_DOUBLE, C_FLOAT8_NAN BINARY_DOUBLE,"
            + " C_FLOAT8_POS_INF BINARY_DOUBLE, C_FLOAT8_NEG_INF BINARY_DOUBLE, C_FLOAT4 BINARY_FLOAT,"
            + " C_DECIMAL_SCALED NUMBER(12,4), C_DECIMAL_SMALL NUMBER(10,8), C_DECIMAL_EXP NUMBER,"
            + " C_DECIMAL_NAN BINARY_DOUBLE, C_DECIMAL_INF BINARY_DOUBLE,"
            + " C_STRING VARCHAR2(200 CHAR), C_CHAR3 CHAR(3 CHAR), C_COLLATED VARCHAR2(20 CHAR),"
            + " C_BYTES BLOB, C_BYTES_TEXT RAW(16), C_BOOL NUMBER(1),"
            + " C_DATE DATE, C_TIME VARCHAR2(20 CHAR), C_TIME_WHOLE VARCHAR2(20 CHAR), C_TIMETZ VARCHAR2(30 CHAR),"
            + " C_TIMESTAMP TIMESTAMP(6), C_TIMESTAMP_WHOLE DATE, C_TIMESTAMPTZ TIMESTAMP(6) WITH TIME ZONE,"
            + " C_INTERVAL VARCHAR2(40 CHAR), C_INTERVAL_YM VARCHAR2(40 CHAR), C_INTERVAL_NEG VARCHAR2(40 CHAR),"
            + " C_UUID RAW(16), C_INET4 VARCHAR2(45 CHAR), C_INET6 VARCHAR2(45 CHAR), C_INET_CIDR VARCHAR2(45 CHAR),"
            + " C_JSONB CLOB, C_JSONB_NULL CLOB, C_INT_ARRAY VARCHAR2(100 CHAR), C_STRING_ARRAY VARCHAR2(100 CHAR),"
            + " C_DECIMAL_ARRAY VARCHAR2(100 CHAR), C_BOOL_ARRAY VARCHAR2(100 CHAR), C_DATE_ARRAY VARCHAR2(100 CHAR),"
            + " C_TIMESTAMPTZ_ARRAY VARCHAR2(100 CHAR), C_UUID_ARRAY VARCHAR2(100 CHAR), C_BYTES_ARRAY VARCHAR2(100 CHAR),"
            + " C_JSONB_ARRAY CLOB, C_ENUM VARCHAR2(20 CHAR), C_ENUM_ARRAY VARCHAR2(100 CHAR),"
            + " C_BIT4 VARCHAR2(4 CHAR), C_VARBIT VARCHAR2(10 CHAR), C_GEOMETRY CLOB, C_GEOGRAPHY CLOB,"
            + " C_NULL VARCHAR2(10 CHAR),"
            // not in the fixture: edge values of row 2
            + " E_TS_FROM_TZ TIMESTAMP(6), E_DATE_FROM_TS DATE, E_RAW_HEX RAW(16), E_BOOL_CHAR CHAR(1 CHAR),"
            + " E_LONG_TEXT CLOB, E_LONG_BYTES BLOB, E_BIG_INT NUMBER(38))";

    private TypeMatrix() {
    }

    /** The {@code after} object of fixture 12, as the exact text CockroachDB sent. */
    static String fixtureAfter() {
        String body = OracleDb.resource("/oracle/12-all-column-types.json");
        String message = Json.elements(Json.fields(body).get("payload").text()).get(0).text();
        return Json.fields(message).get("after").text();
    }

    static final String LONG_TEXT = "0123456789".repeat(1000) + "世界😀";
    static final byte[] LONG_BYTES = new byte[10_000];

    static {
        for (int i = 0; i < LONG_BYTES.length; i++) {
            LONG_BYTES[i] = (byte) i;
        }
    }

    /** Row 2: values the fixture does not have. */
    static String edgeAfter() {
        return "{\"id\": 2, \"c_float8\": \"NaN\", \"c_decimal_exp\": -1.5E-7, \"c_decimal_scaled\": 1.00005,"
                + " \"c_char3\": \"A\", \"c_bool\": false, \"c_string\": \"\","
                + " \"e_ts_from_tz\": \"2025-09-30T14:30:15.5Z\", \"e_date_from_ts\": \"2025-09-30T23:59:59.999999\","
                + " \"e_raw_hex\": \"\\\\x6f1d7c2e3b4a4c5d8e9f0a1b2c3d4e5f\", \"e_bool_char\": true,"
                + " \"e_long_text\": " + Json.quote(LONG_TEXT) + ", \"e_long_bytes\": \"\\\\x"
                + HexFormat.of().formatHex(LONG_BYTES) + "\", \"e_big_int\": 99999999999999999999999999999999999999,"
                + " \"c_timestamptz\": \"2025-09-30T14:30:15+02:00\", \"c_date\": \"2025-09-30T10:00:00\"}";
    }

    /** Expected values of row 1 (the fixture), by column: the table of stored values in docs/targets.md. */
    static Map<String, Object> fixtureExpected() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("C_INT2", new BigDecimal("32767"));
        e.put("C_INT4", new BigDecimal("-2147483648"));
        e.put("C_INT8", new BigDecimal("9223372036854775807"));
        e.put("C_FLOAT8", 3.141592653589793);
        e.put("C_FLOAT8_HUNDRED", 100.0);
        e.put("C_FLOAT8_TINY", 1E-7);
        e.put("C_FLOAT8_SMALL", 0.000001);
        e.put("C_FLOAT8_BIG", 1.5E21);
        e.put("C_FLOAT8_NAN", Double.NaN);
        e.put("C_FLOAT8_POS_INF", Double.POSITIVE_INFINITY);
        e.put("C_FLOAT8_NEG_INF", Double.NEGATIVE_INFINITY);
        e.put("C_FLOAT4", 1.1f);
        e.put("C_DECIMAL_SCALED", new BigDecimal("1234.5"));
        e.put("C_DECIMAL_SMALL", new BigDecimal("0.000123"));
        e.put("C_DECIMAL_EXP", new BigDecimal("15000000000"));
        e.put("C_DECIMAL_NAN", Double.NaN);
        e.put("C_DECIMAL_INF", Double.POSITIVE_INFINITY);
        e.put("C_STRING", "Hello, 世界 \"quoted\" \\ back\nnew line\ttab <b>&amp;</b> \u0001");
        e.put("C_CHAR3", "USD");
        e.put("C_COLLATED", "straße");
        e.put("C_BYTES", new byte[] {0, 1, (byte) 0xfe, (byte) 0xff});
        e.put("C_BYTES_TEXT", "hello".getBytes(StandardCharsets.US_ASCII));
        e.put("C_BOOL", BigDecimal.ONE);
        e.put("C_DATE", LocalDateTime.parse("2025-09-30T00:00:00"));
        e.put("C_TIME", "14:30:15.123456");
        e.put("C_TIME_WHOLE", "09:00:00");
        e.put("C_TIMETZ", "14:30:15.123456+02");
        e.put("C_TIMESTAMP", LocalDateTime.parse("2025-09-30T14:30:15.123456"));
        e.put("C_TIMESTAMP_WHOLE", LocalDateTime.parse("2025-01-01T00:00:00"));
        e.put("C_TIMESTAMPTZ", OffsetDateTime.parse("2025-09-30T14:30:15.123456Z"));
        e.put("C_INTERVAL", "1 day 02:03:04.5");
        e.put("C_INTERVAL_YM", "1 year 2 mons 3 days");
        e.put("C_INTERVAL_NEG", "-01:30:00");
        e.put("C_UUID", HexFormat.of().parseHex("6f1d7c2e3b4a4c5d8e9f0a1b2c3d4e5f"));
        e.put("C_INET4", "192.168.10.5");
        e.put("C_INET6", "2001:db8::1");
        e.put("C_INET_CIDR", "10.0.0.0/8");
        e.put("C_JSONB", "{\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}");
        e.put("C_JSONB_NULL", null);
        e.put("C_INT_ARRAY", "[1, 2, null, 4]");
        e.put("C_STRING_ARRAY", "[\"a\", \"b c\", null]");
        e.put("C_DECIMAL_ARRAY", "[1.10, 2.00]");
        e.put("C_BOOL_ARRAY", "[true, false]");
        e.put("C_DATE_ARRAY", "[\"2025-09-30\", \"2025-10-01\"]");
        e.put("C_TIMESTAMPTZ_ARRAY", "[\"2025-09-30T14:30:15Z\", \"2025-10-01T00:00:00.5Z\"]");
        e.put("C_UUID_ARRAY", "[\"6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f\"]");
        e.put("C_BYTES_ARRAY", "[\"\\\\x6869\"]");
        e.put("C_JSONB_ARRAY", "[{\"a\": 1}, [1, 2], \"x\"]");
        e.put("C_ENUM", "happy");
        e.put("C_ENUM_ARRAY", "[\"happy\", \"sad\"]");
        e.put("C_BIT4", "1010");
        e.put("C_VARBIT", "101");
        e.put("C_GEOMETRY", "{\"coordinates\": [-73.9857, 40.7484], \"type\": \"Point\"}");
        e.put("C_GEOGRAPHY", "{\"coordinates\": [[0, 0], [1.5, 2.25]], \"type\": \"LineString\"}");
        e.put("C_NULL", null);
        return e;
    }

    /** Expected values of row 2 (only the columns it sets; the rest are NULL). */
    static Map<String, Object> edgeExpected() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("C_FLOAT8", Double.NaN);
        e.put("C_DECIMAL_EXP", new BigDecimal("-1.5E-7"));
        e.put("C_DECIMAL_SCALED", new BigDecimal("1.0001"));
        e.put("C_CHAR3", "A  ");
        e.put("C_BOOL", BigDecimal.ZERO);
        e.put("C_STRING", null); // Oracle stores '' as NULL; H2 in Oracle mode does too
        e.put("E_TS_FROM_TZ", LocalDateTime.parse("2025-09-30T14:30:15.5"));
        e.put("E_DATE_FROM_TS", LocalDateTime.parse("2025-09-30T23:59:59"));
        e.put("E_RAW_HEX", HexFormat.of().parseHex("6f1d7c2e3b4a4c5d8e9f0a1b2c3d4e5f"));
        e.put("E_BOOL_CHAR", "1");
        e.put("E_LONG_TEXT", LONG_TEXT);
        e.put("E_LONG_BYTES", LONG_BYTES);
        e.put("E_BIG_INT", new BigDecimal("99999999999999999999999999999999999999"));
        e.put("C_TIMESTAMPTZ", OffsetDateTime.parse("2025-09-30T12:30:15Z"));
        e.put("C_DATE", LocalDateTime.parse("2025-09-30T10:00:00"));
        return e;
    }

    /** Compares one row with the expected values; returns the mismatches. */
    static List<String> mismatches(OracleDb db, long id, Map<String, Object> expected) throws SQLException {
        List<String> failures = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(String.join(", ", expected.keySet())).append(" FROM ").append(db.owner).append(".TYPE_MATRIX WHERE ID = ")
                .append(id);
        try (Statement s = db.connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            assertThat(rs.next()).as("row %s exists", id).isTrue();
            int i = 1;
            for (Map.Entry<String, Object> e : expected.entrySet()) {
                Object want = e.getValue();
                Object got = read(rs, i++, want);
                if (!same(want, got)) {
                    failures.add(e.getKey() + ": expected " + show(want) + " but was " + show(got));
                }
            }
        }
        db.connection.commit();
        return failures;
    }

    private static Object read(ResultSet rs, int i, Object want) throws SQLException {
        Object v;
        if (want instanceof BigDecimal) {
            v = rs.getBigDecimal(i);
        } else if (want instanceof Double) {
            v = rs.getDouble(i);
        } else if (want instanceof Float) {
            v = rs.getFloat(i);
        } else if (want instanceof LocalDateTime) {
            v = rs.getObject(i, LocalDateTime.class);
        } else if (want instanceof OffsetDateTime) {
            v = rs.getObject(i, OffsetDateTime.class);
        } else if (want instanceof byte[]) {
            Object o = rs.getObject(i);
            v = o instanceof Blob ? ((Blob) o).getBytes(1, (int) ((Blob) o).length()) : rs.getBytes(i);
        } else {
            Object o = rs.getObject(i);
            v = o instanceof Clob ? ((Clob) o).getSubString(1, (int) ((Clob) o).length()) : o == null ? null : rs.getString(i);
        }
        return rs.wasNull() ? null : v;
    }

    private static boolean same(Object want, Object got) {
        if (want == null || got == null) {
            return want == got;
        }
        if (want instanceof BigDecimal) {
            return ((BigDecimal) want).compareTo((BigDecimal) got) == 0;
        }
        if (want instanceof OffsetDateTime) {
            return ((OffsetDateTime) want).toInstant().equals(((OffsetDateTime) got).toInstant());
        }
        if (want instanceof byte[]) {
            return Arrays.equals((byte[]) want, (byte[]) got);
        }
        return Objects.equals(want, got);
    }

    private static String show(Object o) {
        if (o instanceof byte[]) {
            byte[] b = (byte[]) o;
            return b.length > 40 ? b.length + " bytes" : "0x" + HexFormat.of().formatHex(b);
        }
        String s = String.valueOf(o);
        return s.length() > 80 ? s.substring(0, 77) + "... (" + s.length() + " chars)" : s;
    }
}
