package dev.failback.dialect.postgres;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fixture 12 (every column type a changefeed emits) lands exactly, with every apply technique. */
class TypeZooIT {
    private PgSchema db;
    private TableInfo table;

    @BeforeEach
    void createTable() throws Exception {
        db = PgSchema.create();
        db.postgis();
        db.exec(resource("/postgres/type-zoo.sql"));
        table = db.table("type_zoo");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        db.close();
    }

    /** The {@code after} object of fixture 12, as the exact text CockroachDB sent. */
    static String fixtureAfter() throws IOException {
        String body = resource("/postgres/12-all-column-types.json");
        String message = Json.elements(Json.fields(body).get("payload").text()).get(0).text();
        return Json.fields(message).get("after").text();
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void everyColumnTypeLandsExactly(ApplyTechnique technique) throws Exception {
        PostgresDialect dialect = new PostgresDialect(technique);
        String after = fixtureAfter();
        assertThat(after).contains("\"c_decimal_scaled\": 1234.5000").contains("\"c_bytes\": \"\\\\x0001feff\"");

        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", after));
        assertFixtureRow();

        // the same row again goes through ON CONFLICT DO UPDATE for every type
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", after));
        assertFixtureRow();
        assertThat(db.one("SELECT count(*) FROM type_zoo")).isEqualTo("1");
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void edgeValuesLand(ApplyTechnique technique) throws Exception {
        PostgresDialect dialect = new PostgresDialect(technique);
        String after = "{\"c_date\": \"-infinity\", \"c_decimal_inf\": \"-Infinity\", \"c_decimal_small\": -0.5E-3,"
                + " \"c_float8\": -0, \"c_interval\": \"-1 days +02:00:00\", \"c_jsonb\": \"just a string\","
                + " \"c_jsonb_array\": [null, \"s\", 1.50, {\"k\": \"v\\\"w\"}], \"c_string_array\": [\"q\\\"uote\", \"back\\\\slash\", \"{brace}\", \"NULL\", \"\"],"
                + " \"c_timetz\": \"14:30:15.123456+02:00:00\", \"c_timestamptz\": \"2025-09-30T14:30:15Z\","
                + " \"c_int_array\": [], \"c_geometry\": null, \"c_char3\": \"A\", \"id\": 2}";
        db.upsert(dialect, table, db.upsert("type_zoo", "[2]", after));
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("c_date", "c_date = '-infinity'::date");
        checks.put("c_decimal_inf", "c_decimal_inf = '-Infinity'::numeric");
        checks.put("c_decimal_small", "c_decimal_small = -0.0005");
        checks.put("c_float8", "c_float8 = 0");
        checks.put("c_interval", "c_interval = '-1 days +02:00:00'::interval");
        checks.put("c_jsonb", "c_jsonb = '\"just a string\"'::jsonb");
        checks.put("c_jsonb_array", "c_jsonb_array = ARRAY[NULL, '\"s\"', '1.50', '{\"k\": \"v\\\"w\"}']::jsonb[]"
                + " AND c_jsonb_array[3]::text = '1.50'");
        checks.put("c_string_array", "c_string_array = ARRAY['q\"uote', 'back\\slash', '{brace}', 'NULL', '']");
        checks.put("c_timetz", "c_timetz = '14:30:15.123456+02'::timetz");
        checks.put("c_timestamptz", "c_timestamptz = '2025-09-30 14:30:15+00'::timestamptz");
        checks.put("c_int_array", "c_int_array = '{}'::bigint[]");
        checks.put("c_geometry", "c_geometry IS NULL");
        checks.put("c_char3", "c_char3 = 'A  '::char(3) AND octet_length(c_char3::bytea) = 3");
        assertChecks(2, checks);
    }

    /**
     * Every nullable column (from the catalog) goes NULL, then to the zoo's value, then back to NULL: the
     * all-null row as CockroachDB sends it (every field JSON null) inserted, the fixture upserted over it
     * (with values for its two null columns too, so that every column changes), the all-null row again
     * (an update of every typed column to NULL); then both rows in one batch, in either order.
     */
    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void everyColumnGoesToAndFromNull(ApplyTechnique technique) throws Exception {
        PostgresDialect dialect = new PostgresDialect(technique);
        List<String> columns = NullRows.nullableColumns(table);
        assertThat(columns).as("every zoo column is nullable").hasSize(table.columns().size() - 1);
        String nulls1 = NullRows.allNull(table, Map.of("id", "1"));
        String nulls2 = NullRows.allNull(table, Map.of("id", "2"));
        assertThat(nulls1).contains("\"c_geometry\": null").contains("\"c_enum_array\": null");
        assertThat(dialect.checkRow(table, nulls1)).isNull();
        String full1 = fullAfter(1);
        String full2 = fullAfter(2);

        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1));
        assertAllNull(1, columns, "insert");
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", full1));
        assertChecks(1, fullChecks());
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1));
        assertAllNull(1, columns, "update to NULL");

        // one statement with a NULL and a value in every column, either way round
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", full1), db.upsert("type_zoo", "[2]", nulls2));
        assertChecks(1, fullChecks());
        assertAllNull(2, columns, "batch, insert");
        db.upsert(dialect, table, db.upsert("type_zoo", "[1]", nulls1), db.upsert("type_zoo", "[2]", full2));
        assertAllNull(1, columns, "batch, update to NULL");
        assertChecks(2, fullChecks());
        assertThat(db.one("SELECT count(*) FROM type_zoo")).isEqualTo("2");
    }

    /** The fixture with a value in its two null columns too. */
    private static String fullAfter(int id) throws IOException {
        return NullRows.with(fixtureAfter(), Map.of("id", String.valueOf(id), "c_null", "\"x\"",
                "c_jsonb_null", "{\"k\": null}"));
    }

    private static Map<String, String> fullChecks() {
        Map<String, String> checks = fixtureChecks();
        checks.put("c_null", "c_null = 'x'");
        checks.put("c_jsonb_null", "c_jsonb_null = '{\"k\": null}'::jsonb");
        return checks;
    }

    private void assertAllNull(int id, List<String> columns, String step) throws SQLException {
        assertThat(NullRows.notNull(db.connection, "type_zoo", "id = " + id, columns)).as("%s: row %s", step, id).isEmpty();
    }

    private void assertFixtureRow() throws SQLException {
        Map<String, String> checks = fixtureChecks();
        assertChecks(1, checks);
        assertThat(checks.keySet()).hasSize(table.columns().size() - 1);
    }

    private static Map<String, String> fixtureChecks() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("c_int2", "c_int2 = 32767");
        checks.put("c_int4", "c_int4 = -2147483648");
        checks.put("c_int8", "c_int8 = 9223372036854775807");
        checks.put("c_float8", "c_float8 = 3.141592653589793::float8");
        checks.put("c_float8_hundred", "c_float8_hundred = 100");
        checks.put("c_float8_tiny", "c_float8_tiny = 1E-7::float8");
        checks.put("c_float8_small", "c_float8_small = 0.000001::float8");
        checks.put("c_float8_big", "c_float8_big = 1.5E+21::float8");
        checks.put("c_float8_nan", "c_float8_nan = 'NaN'");
        checks.put("c_float8_pos_inf", "c_float8_pos_inf = 'Infinity'");
        checks.put("c_float8_neg_inf", "c_float8_neg_inf = '-Infinity'");
        checks.put("c_float4", "c_float4 = 1.1::real");
        checks.put("c_decimal_scaled", "c_decimal_scaled::text = '1234.5000'");
        checks.put("c_decimal_small", "c_decimal_small::text = '0.00012300'");
        checks.put("c_decimal_exp", "c_decimal_exp = 1.5E+10 AND c_decimal_exp::text = '15000000000'");
        checks.put("c_decimal_nan", "c_decimal_nan = 'NaN'::numeric");
        checks.put("c_decimal_inf", "c_decimal_inf = 'Infinity'::numeric");
        checks.put("c_string", "c_string = E'Hello, \\u4e16\\u754c \"quoted\" \\\\ back\\nnew line\\ttab <b>&amp;</b> \\u0001'");
        checks.put("c_char3", "c_char3 = 'USD'");
        checks.put("c_collated", "c_collated = 'straße' AND pg_collation_for(c_collated) = '\"de-x-icu\"'");
        checks.put("c_bytes", "c_bytes = '\\x0001feff'::bytea");
        checks.put("c_bytes_text", "c_bytes_text = 'hello'::bytea");
        checks.put("c_bool", "c_bool");
        checks.put("c_date", "c_date = '2025-09-30'");
        checks.put("c_time", "c_time = '14:30:15.123456'");
        checks.put("c_time_whole", "c_time_whole = '09:00:00'");
        checks.put("c_timetz", "c_timetz = '14:30:15.123456+02'::timetz AND c_timetz::text = '14:30:15.123456+02'");
        checks.put("c_timestamp", "c_timestamp = '2025-09-30 14:30:15.123456'");
        checks.put("c_timestamp_whole", "c_timestamp_whole = '2025-01-01 00:00:00'");
        checks.put("c_timestamptz", "c_timestamptz = '2025-09-30 16:30:15.123456+02'::timestamptz");
        checks.put("c_interval", "c_interval = '1 day 2 hours 3 minutes 4.5 seconds'::interval"
                + " AND c_interval::text = '1 day 02:03:04.5'");
        checks.put("c_interval_ym", "c_interval_ym::text = '1 year 2 mons 3 days'");
        checks.put("c_interval_neg", "c_interval_neg = '-90 minutes'::interval");
        checks.put("c_uuid", "c_uuid = '6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f'");
        checks.put("c_inet4", "c_inet4 = '192.168.10.5'::inet");
        checks.put("c_inet_cidr", "c_inet_cidr = '10.0.0.0/8'::inet");
        checks.put("c_inet6", "c_inet6 = '2001:db8::1'::inet");
        checks.put("c_jsonb", "c_jsonb = '{\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}'::jsonb"
                + " AND c_jsonb::text LIKE '%\"n\": 1.50%' AND c_jsonb->'nested' ? 'x'");
        checks.put("c_jsonb_null", "c_jsonb_null IS NULL");
        checks.put("c_int_array", "c_int_array = '{1,2,NULL,4}'::bigint[]");
        checks.put("c_string_array", "c_string_array = ARRAY['a', 'b c', NULL]");
        checks.put("c_decimal_array", "c_decimal_array::text = '{1.10,2.00}'");
        checks.put("c_bool_array", "c_bool_array = '{t,f}'::bool[]");
        checks.put("c_date_array", "c_date_array = '{2025-09-30,2025-10-01}'::date[]");
        checks.put("c_timestamptz_array",
                "c_timestamptz_array = ARRAY['2025-09-30 14:30:15+00', '2025-10-01 00:00:00.5+00']::timestamptz[]");
        checks.put("c_uuid_array", "c_uuid_array = ARRAY['6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f']::uuid[]");
        checks.put("c_bytes_array", "c_bytes_array = ARRAY['hi'::bytea]");
        checks.put("c_jsonb_array", "c_jsonb_array = ARRAY['{\"a\":1}', '[1,2]', '\"x\"']::jsonb[]");
        checks.put("c_enum", "c_enum = 'happy'");
        checks.put("c_enum_array", "c_enum_array = '{happy,sad}'::mood[]");
        checks.put("c_bit4", "c_bit4 = B'1010'");
        checks.put("c_varbit", "c_varbit = B'101'");
        checks.put("c_geometry", "ST_AsText(c_geometry) = 'POINT(-73.9857 40.7484)'");
        checks.put("c_geography", "ST_AsText(c_geography) = 'LINESTRING(0 0,1.5 2.25)' AND ST_SRID(c_geography) = 4326");
        checks.put("c_null", "c_null IS NULL");
        return checks;
    }

    private void assertChecks(int id, Map<String, String> checks) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (Map.Entry<String, String> e : checks.entrySet()) {
            sql.append("coalesce((").append(e.getValue()).append("), false), ").append(e.getKey()).append("::text, ");
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
        assertThat(failures).as("row %s", id).isEmpty();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = TypeZooIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
