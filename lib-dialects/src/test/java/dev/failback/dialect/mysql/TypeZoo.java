package dev.failback.dialect.mysql;

import dev.failback.dialect.NullRows;
import dev.failback.dialect.internal.Json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixture 12 (every column type a changefeed emits) against {@code type-zoo-mysql.sql}: the table of
 * expected stored values, as predicates the server evaluates. Shared by {@link TypeZooIT} (local
 * MariaDB) and {@link MySql8IT} (MySQL 8 in a container).
 */
final class TypeZoo {
    /** The fixture's string: quotes, backslash, newline, tab, HTML, CJK and a control character. */
    static final String STRING = "Hello, 世界 \"quoted\" \\ back\nnew line\ttab <b>&amp;</b> \u0001";

    private TypeZoo() {
    }

    /** Creates the table, applies the fixture row twice (insert, then update) and checks every column. */
    static void run(MyDatabase db, MySqlApplyTechnique technique) throws Exception {
        db.exec(resource("/mysql/type-zoo-mysql.sql"));
        db.exec("SET time_zone = '+05:00'");
        MySqlDialect dialect = db.dialect(technique);
        TableInfo table = db.table(dialect, "type_zoo");
        String after = fixtureAfter();
        assertThat(after).contains("\"c_decimal_scaled\": 1234.5000").contains("\"c_bytes\": \"\\\\x0001feff\"");
        assertThat(dialect.checkRow(table, after)).isNull();

        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", after));
        assertRow(db, dialect, expected(dialect.flavor()), table);
        // the same row again goes through ON DUPLICATE KEY UPDATE for every type
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", after));
        assertRow(db, dialect, expected(dialect.flavor()), table);
        assertThat(db.one("SELECT count(*) FROM type_zoo")).isEqualTo("1");
        // the session time zone set for TIMESTAMP columns is restored
        assertThat(db.one("SELECT @@session.time_zone")).isEqualTo("+05:00");
    }

    /**
     * Every nullable column (from the catalog) goes NULL, then to the zoo's value, then back to NULL: the
     * all-null row as CockroachDB sends it inserted, the fixture upserted over it (with values for its two
     * null columns too, so that every column changes), the all-null row again (an update of every typed
     * column to NULL); then both rows in one batch, in either order.
     */
    static void runNulls(MyDatabase db, MySqlApplyTechnique technique) throws Exception {
        db.exec(resource("/mysql/type-zoo-mysql.sql"));
        db.exec("SET time_zone = '+05:00'");
        MySqlDialect dialect = db.dialect(technique);
        TableInfo table = db.table(dialect, "type_zoo");
        List<String> columns = NullRows.nullableColumns(table);
        assertThat(columns).as("every zoo column is nullable").hasSize(table.columns().size() - 1);
        String nulls1 = NullRows.allNull(table, Map.of("id", "1"));
        String nulls2 = NullRows.allNull(table, Map.of("id", "2"));
        assertThat(nulls1).contains("\"c_geometry\": null").contains("\"c_enum_array\": null");
        assertThat(dialect.checkRow(table, nulls1)).isNull();
        String full1 = fullAfter(1);
        String full2 = fullAfter(2);
        assertThat(dialect.checkRow(table, full1)).isNull();
        Map<String, String> full = fullExpected(dialect.flavor());

        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1));
        assertAllNull(db, 1, columns, "insert");
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", full1));
        assertRow(db, dialect, full, table, 1);
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1));
        assertAllNull(db, 1, columns, "update to NULL");

        // one statement with a NULL and a value in every column, either way round
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", full1), db.upsert("type_zoo", "[2]", nulls2));
        assertRow(db, dialect, full, table, 1);
        assertAllNull(db, 2, columns, "batch, insert");
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1), db.upsert("type_zoo", "[2]", full2));
        assertAllNull(db, 1, columns, "batch, update to NULL");
        assertRow(db, dialect, full, table, 2);
        assertThat(db.one("SELECT count(*) FROM type_zoo")).isEqualTo("2");
        assertThat(db.one("SELECT @@session.time_zone")).isEqualTo("+05:00");
    }

    /** The fixture with a value in its two null columns too. */
    static String fullAfter(int id) throws IOException {
        return NullRows.with(fixtureAfter(), Map.of("id", String.valueOf(id), "c_null", "\"x\"",
                "c_jsonb_null", "{\"k\": null}"));
    }

    static Map<String, String> fullExpected(MySqlDialect.Flavor flavor) {
        Map<String, String> c = expected(flavor);
        c.put("c_null", "c_null = 'x'");
        c.put("c_jsonb_null", json(flavor, "c_jsonb_null", "{\"k\": null}"));
        return c;
    }

    private static void assertAllNull(MyDatabase db, int id, List<String> columns, String step) throws SQLException {
        assertThat(NullRows.notNull(db.connection, "type_zoo", "id = " + id, columns)).as("%s: row %s", step, id).isEmpty();
    }

    /** Column to a predicate that holds when the stored value is right. */
    static Map<String, String> expected(MySqlDialect.Flavor flavor) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("c_bit4", "BIN(c_bit4) = '1010'");
        c.put("c_bool", "c_bool = 1");
        c.put("c_bool_array", json(flavor, "c_bool_array", "[true, false]"));
        c.put("c_bytes", "HEX(c_bytes) = '0001FEFF'");
        c.put("c_bytes_array", "JSON_UNQUOTE(JSON_EXTRACT(c_bytes_array, '$[0]')) = CONCAT(CHAR(92), 'x6869')"
                + " AND JSON_LENGTH(c_bytes_array) = 1");
        c.put("c_bytes_text", "HEX(c_bytes_text) = HEX('hello')");
        c.put("c_char3", "c_char3 = 'USD'");
        c.put("c_collated", "HEX(c_collated) = '" + hex("straße") + "'");
        c.put("c_date", "c_date = DATE '2025-09-30'");
        c.put("c_date_array", json(flavor, "c_date_array", "[\"2025-09-30\", \"2025-10-01\"]"));
        c.put("c_decimal_array", json(flavor, "c_decimal_array", "[1.10, 2.00]"));
        c.put("c_decimal_exp", "CAST(c_decimal_exp AS CHAR) = '15000000000.00'");
        c.put("c_decimal_inf", "c_decimal_inf = 'Infinity'");
        c.put("c_decimal_nan", "c_decimal_nan = 'NaN'");
        c.put("c_decimal_scaled", "CAST(c_decimal_scaled AS CHAR) = '1234.5000'");
        c.put("c_decimal_small", "CAST(c_decimal_small AS CHAR) = '0.00012300'");
        c.put("c_enum", "c_enum = 'happy'");
        c.put("c_enum_array", "c_enum_array = 'happy,sad'");
        c.put("c_float4", "ABS(c_float4 - 1.1) < 1e-6");
        c.put("c_float8", "c_float8 = 3.141592653589793e0");
        c.put("c_float8_big", "c_float8_big = 1.5e21");
        c.put("c_float8_hundred", "c_float8_hundred = 100e0");
        c.put("c_float8_nan", "c_float8_nan = 'NaN'");
        c.put("c_float8_neg_inf", "c_float8_neg_inf = '-Infinity'");
        c.put("c_float8_pos_inf", "c_float8_pos_inf = 'Infinity'");
        c.put("c_float8_small", "c_float8_small = 0.000001e0");
        c.put("c_float8_tiny", "c_float8_tiny = 1e-7");
        c.put("c_geography", "ST_AsText(c_geography) = 'LINESTRING(0 0,1.5 2.25)' AND ST_SRID(c_geography) = 0");
        c.put("c_geometry", "ST_AsText(c_geometry) = 'POINT(-73.9857 40.7484)'");
        c.put("c_inet4", "c_inet4 = '192.168.10.5'");
        c.put("c_inet6", "c_inet6 = '2001:db8::1'");
        c.put("c_inet_cidr", "c_inet_cidr = '10.0.0.0/8'");
        c.put("c_int2", "c_int2 = 32767");
        c.put("c_int4", "c_int4 = -2147483648");
        c.put("c_int8", "c_int8 = 9223372036854775807");
        c.put("c_int_array", json(flavor, "c_int_array", "[1, 2, null, 4]"));
        c.put("c_interval", "c_interval = '1 day 02:03:04.5'");
        c.put("c_interval_neg", "c_interval_neg = '-01:30:00'");
        c.put("c_interval_ym", "c_interval_ym = '1 year 2 mons 3 days'");
        c.put("c_jsonb", json(flavor, "c_jsonb", "{\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}")
                + " AND JSON_CONTAINS_PATH(c_jsonb, 'one', '$.nested.x')");
        c.put("c_jsonb_array", json(flavor, "c_jsonb_array", "[{\"a\": 1}, [1, 2], \"x\"]"));
        c.put("c_jsonb_null", "c_jsonb_null IS NULL");
        c.put("c_null", "c_null IS NULL");
        c.put("c_string", "HEX(c_string) = '" + hex(STRING) + "'");
        c.put("c_string_array", json(flavor, "c_string_array", "[\"a\", \"b c\", null]"));
        c.put("c_time", "c_time = TIME '14:30:15.123456'");
        c.put("c_time_whole", "c_time_whole = TIME '09:00:00'");
        c.put("c_timestamp", "c_timestamp = TIMESTAMP '2025-09-30 14:30:15.123456'");
        c.put("c_timestamp_whole", "c_timestamp_whole = TIMESTAMP '2025-01-01 00:00:00'");
        // session-independent: seconds since the epoch of 2025-09-30T14:30:15.123456Z
        c.put("c_timestamptz", "UNIX_TIMESTAMP(c_timestamptz) = 1759242615.123456");
        c.put("c_timestamptz_array", json(flavor, "c_timestamptz_array", "[\"2025-09-30T14:30:15Z\", \"2025-10-01T00:00:00.5Z\"]"));
        c.put("c_timetz", "c_timetz = '14:30:15.123456+02'");
        c.put("c_uuid", "HEX(c_uuid) = '6F1D7C2E3B4A4C5D8E9F0A1B2C3D4E5F'");
        c.put("c_uuid_array", json(flavor, "c_uuid_array", "[\"6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f\"]"));
        c.put("c_varbit", "BIN(c_varbit) = '101'");
        return c;
    }

    /** MariaDB keeps the JSON text exactly; MySQL stores a binary JSON value (compared as JSON). */
    private static String json(MySqlDialect.Flavor flavor, String column, String text) {
        String literal = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
        return flavor == MySqlDialect.Flavor.MARIADB ? column + " = " + literal + " AND JSON_VALID(" + column + ")"
                : column + " = CAST(" + literal + " AS JSON)";
    }

    static String hex(String s) {
        return HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    static void assertRow(MyDatabase db, MySqlDialect dialect, Map<String, String> checks, TableInfo table)
            throws SQLException {
        assertRow(db, dialect, checks, table, 1);
    }

    static void assertRow(MyDatabase db, MySqlDialect dialect, Map<String, String> checks, TableInfo table, int id)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (Map.Entry<String, String> e : checks.entrySet()) {
            sql.append("coalesce((").append(e.getValue()).append("), false), ");
            sql.append(e.getKey().equals("c_geography") || e.getKey().equals("c_geometry")
                    ? "ST_AsText(" + e.getKey() + ")" : "CAST(" + e.getKey() + " AS CHAR)").append(", ");
        }
        sql.append("1 FROM type_zoo WHERE id = ").append(id);
        List<String> failures = new ArrayList<>();
        try (Statement s = db.connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            assertThat(rs.next()).as("row %s exists", id).isTrue();
            int i = 1;
            for (Map.Entry<String, String> e : checks.entrySet()) {
                if (!rs.getBoolean(i)) {
                    failures.add(e.getKey() + " = " + rs.getString(i + 1) + " fails " + e.getValue());
                }
                i += 2;
            }
        }
        assertThat(failures).as("%s, row %s", dialect, id).isEmpty();
        assertThat(checks.keySet()).hasSize(table.columns().size() - 1);
    }

    /** The {@code after} object of fixture 12, as the exact text CockroachDB sent. */
    static String fixtureAfter() throws IOException {
        String body = resource("/mysql/12-all-column-types.json");
        String message = Json.elements(Json.fields(body).get("payload").text()).get(0).text();
        return Json.fields(message).get("after").text();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = TypeZoo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
