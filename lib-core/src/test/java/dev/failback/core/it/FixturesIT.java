package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestSchema;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture of the changefeed reference, POSTed over real HTTP to the Jetty sink in the order of
 * the reference timeline, lands exactly as the tables of expected values below say, on PostgreSQL,
 * MariaDB (staging in MariaDB too) and Oracle emulated by H2 in Oracle mode (staging in PostgreSQL).
 * The full type matrices per dialect are in the dialects' own ITs; here each dialect checks the HR
 * tables row by row and the all-types row column by column (PostgreSQL) or by its telling columns.
 */
class FixturesIT {
    private TestSchema schema;   // postgresql, mariadb: staging in the target
    private H2Oracle oracle;     // oracle-h2: staging in PostgreSQL
    private Failback failback;
    private JettySink sink;
    private Http http;

    private void start(String target) throws Exception {
        switch (target) {
            case "postgresql" -> {
                schema = PostgresSchema.create("fixtures");
                schema.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"); // type-zoo.sql's geometry
                schema.runScripts("hr.sql", "postgres/type-zoo.sql"); // the dialects test-jar's copy
            }
            case "mariadb" -> schema = MariaDbDatabase.create("fixtures", "hr-mysql.sql", "mysql/type-zoo-mysql.sql");
            default -> oracle = new H2Oracle("fixtures", "hr-oracle.sql", "type-zoo-oracle.sql");
        }
        sink = JettySink.bind("127.0.0.1", 0);
        Failback.Builder builder = Failback.builder().disableAuthentication();
        if (oracle != null) {
            builder.staging(oracle.stagingDataSource());
        }
        failback = builder
                .name("fixtures-" + target)
                .target(oracle != null ? oracle.dataSource() : schema.dataSource())
                .stagingSchema(oracle != null ? oracle.stagingSchema() : schema.stagingSchema())
                .createStagingSchema(true)
                .sink(sink)
                .start();
        http = new Http("http://127.0.0.1:" + sink.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (failback != null) {
            failback.close();
        }
        if (schema != null) {
            schema.close();
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    private String path() {
        return oracle != null ? oracle.path() : schema.path();
    }

    private List<List<String>> query(String sql) throws SQLException {
        return oracle != null ? oracle.query(sql) : schema.query(sql);
    }

    private String one(String sql) throws SQLException {
        return oracle != null ? oracle.one(sql) : schema.one(sql);
    }

    private void post(String fixture, int status) {
        Http.Answer a = http.post(path(), Bodies.fixture(fixture));
        assertThat(a.status()).as(fixture + ": " + a.body()).isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "oracle-h2"})
    void everyFixtureLandsAsTheReferenceTimelineSays(String target) throws Exception {
        start(target);
        post("11-initial-scan.json", 200);
        assertThat(http.post(path(), "{\"resolved\":\"1759246920563173411.0000000000\"}").status()).isEqualTo(200);
        post("02-insert-employees-batch.json", 200);
        post("01-insert-minimal-single-row.json", 200);   // feed B: same row, same updated: a duplicate
        post("13-full-table-name-topic.json", 200);       // feed C: topic hr.public.employees
        post("17-bare-envelope-rows.json", 200);          // feed E: bare envelope
        post("03-insert-orders.json", 200);
        post("04-insert-payments-composite-pk.json", 200);
        post("09-resolved.json", 200);                    // R1
        post("05-mixed-tables-one-batch.json", 200);
        post("06-update-with-diff.json", 200);
        post("07-delete-with-diff.json", 200);
        post("08-delete-without-diff.json", 200);
        post("10-resolved-bare-envelope.json", 200);      // R2, bare form
        post("15d-dup-resolved-repeat.json", 200);        // R2 again: a no-op
        assertThat(failback.awaitApplied(Hlc.parse("1759246965500000000.0000000000"), Duration.ofSeconds(30))).isTrue();
        post("14-primary-key-change.json", 200);
        post("15a-dup-original.json", 200);
        post("15b-dup-http-retry-identical.json", 200);
        post("15c-dup-restart-reemit.json", 200);
        post("12-all-column-types.json", 200);
        post("16-legacy-compact-format.json", 200);       // order 7c9e at T2 again: already applied, ignored
        post("18-resolved-later.json", 200);              // R3
        assertThat(failback.awaitApplied(Hlc.parse("1759246981000000000.0000000000"), Duration.ofSeconds(30))).isTrue();

        String[] sql = switch (target) {
            case "postgresql" -> new String[] {
                "SELECT id, name, email, department, salary, to_char(hired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
                        + " active, manager_id FROM $S.employees ORDER BY id",
                "SELECT id, employee_id, status, total, currency, created_at, notes FROM $S.orders ORDER BY id",
                "SELECT order_id, seq, amount, method, to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
                        + " FROM $S.payments ORDER BY order_id, seq"};
            case "mariadb" -> new String[] {
                "SELECT id, name, email, department, salary, DATE_FORMAT(hired_at, '%Y-%m-%dT%H:%i:%s.%f'),"
                        + " IF(active, 't', 'f'), manager_id FROM $S.employees ORDER BY id",
                "SELECT id, employee_id, status, total, currency, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), notes"
                        + " FROM $S.orders ORDER BY id",
                "SELECT order_id, seq, amount, method, DATE_FORMAT(paid_at, '%Y-%m-%dT%H:%i:%s.%f')"
                        + " FROM $S.payments ORDER BY order_id, seq"};
            default -> new String[] {
                "SELECT ID, NAME, EMAIL, DEPARTMENT, SALARY, TO_CHAR(HIRED_AT, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6'),"
                        + " CASE WHEN ACTIVE = 1 THEN 't' ELSE 'f' END, MANAGER_ID FROM $S.EMPLOYEES ORDER BY ID",
                "SELECT LOWER(RAWTOHEX(ID)), EMPLOYEE_ID, STATUS, TOTAL, CURRENCY,"
                        + " TO_CHAR(CREATED_AT, 'YYYY-MM-DD HH24:MI:SS.FF6'), NOTES FROM $S.ORDERS ORDER BY ID",
                "SELECT LOWER(RAWTOHEX(ORDER_ID)), SEQ, AMOUNT, METHOD, TO_CHAR(PAID_AT, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')"
                        + " FROM $S.PAYMENTS ORDER BY ORDER_ID, SEQ"};
        };
        assertThat(rows(sql[0])).containsExactly(
                "1|Ada Lovelace|ada@example.com|Engineering|185000.00|2019-03-11T09:00:00.000000|t|null",
                "2|Grace Hopper|grace@example.com|Engineering|172500.50|2020-07-01T08:30:00.000000|t|1",
                "3|Alan Turing|alan@example.com|Engineering|175000.00|2025-09-30T15:42:11.287416|t|1",
                "4|Katherine Johnson|katherine@example.com|Research|158250.75|2025-09-30T15:42:11.287416|t|1",
                "6|Barbara Liskov|barbara@example.com|Engineering|190000.00|2025-09-30T15:42:31.604418|t|1",
                "7|Margaret Hamilton|margaret@example.com|Engineering|181000.00|2025-09-30T15:42:52.018274|t|1",
                "8|John Backus|john@example.com|Research|150500.00|2025-09-30T15:42:52.018274|t|1",
                "9|Frances Allen|frances@example.com|Research|165000.00|2025-09-30T15:42:59.264501|t|1",
                "50|Edsger Dijkstra|edsger@example.com|Engineering|149999.99|2025-09-30T15:42:11.287416|t|2");
        assertThat(rows(sql[1])).containsExactly(
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|3|paid|1299.90|USD|2025-09-30 15:42:18.774123|null",
                "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d|6|pending|310.00|EUR|2025-09-30 15:42:31.604418|null");
        assertThat(rows(sql[2])).containsExactly(
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|1|1000.00|card|2025-09-30T15:42:25.019284",
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|2|299.90|card|2025-09-30T15:42:25.019284",
                "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d|1|300.00|sepa|2025-09-30T15:42:31.604418",
                "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d|2|10.00|voucher|2025-09-30T15:42:31.604418");
        if (target.equals("postgresql")) {
            assertPostgresTypeZoo();
        } else {
            assertTellingColumns(target);
        }

        Status.Counters c = failback.status().counters();
        assertThat(c.duplicates()).as("duplicates counted").isGreaterThanOrEqualTo(7);
        assertThat(c.stale()).as("stale (already applied) counted").isEqualTo(1);
        assertThat(c.resolvedIgnored()).as("repeated resolved ignored").isEqualTo(1);
        assertThat(failback.status().stagedBacklog()).isZero();
    }

    private void assertPostgresTypeZoo() throws Exception {
        // The all-types row, column by column (the value PostgreSQL stores, as text).
        String[][] expected = {
            {"c_int2", "32767"}, {"c_int4", "-2147483648"}, {"c_int8", "9223372036854775807"},
            {"c_float8", "3.141592653589793"}, {"c_float8_hundred", "100"}, {"c_float8_tiny", "1e-07"},
            {"c_float8_small", "1e-06"}, {"c_float8_big", "1.5e+21"}, {"c_float8_nan", "NaN"},
            {"c_float8_pos_inf", "Infinity"}, {"c_float8_neg_inf", "-Infinity"}, {"c_float4", "1.1"},
            {"c_decimal_scaled", "1234.5000"}, {"c_decimal_small", "0.00012300"}, {"c_decimal_exp", "15000000000"},
            {"c_decimal_nan", "NaN"}, {"c_decimal_inf", "Infinity"},
            {"c_string", "Hello, 世界 \"quoted\" \\ back\nnew line\ttab <b>&amp;</b> \u0001"}, {"c_char3", "USD"},
            {"c_collated", "straße"}, {"c_bytes", "\\x0001feff"}, {"c_bytes_text", "\\x68656c6c6f"}, {"c_bool", "true"},
            {"c_date", "2025-09-30"}, {"c_time", "14:30:15.123456"}, {"c_time_whole", "09:00:00"},
            {"c_timetz", "14:30:15.123456+02"}, {"c_timestamp", "2025-09-30 14:30:15.123456"},
            {"c_timestamp_whole", "2025-01-01 00:00:00"}, {"to_char(c_timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')", "2025-09-30 14:30:15.123456"},
            {"c_interval", "1 day 02:03:04.5"}, {"c_interval_ym", "1 year 2 mons 3 days"}, {"c_interval_neg", "-01:30:00"},
            {"c_uuid", "6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"}, {"c_inet4", "192.168.10.5/32"}, {"c_inet_cidr", "10.0.0.0/8"},
            {"c_inet6", "2001:db8::1/128"}, {"c_jsonb", "{\"Z\": true, \"n\": 1.50, \"tags\": [\"a\", \"b\"], \"nested\": {\"x\": null}}"},
            {"c_jsonb_null", null}, {"c_int_array", "{1,2,NULL,4}"}, {"c_string_array", "{a,\"b c\",NULL}"},
            {"c_decimal_array", "{1.10,2.00}"}, {"c_bool_array", "{t,f}"}, {"c_date_array", "{2025-09-30,2025-10-01}"},
            {"array(select to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') from unnest(c_timestamptz_array) x)::text",
                "{\"2025-09-30 14:30:15.000000\",\"2025-10-01 00:00:00.500000\"}"},
            {"c_uuid_array", "{6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f}"}, {"c_bytes_array", "{\"\\\\x6869\"}"},
            {"c_jsonb_array", "{\"{\\\"a\\\": 1}\",\"[1, 2]\",\"\\\"x\\\"\"}"}, {"c_enum", "happy"}, {"c_enum_array", "{happy,sad}"},
            {"c_bit4", "1010"}, {"c_varbit", "101"}, {"public.ST_AsText(c_geometry)", "POINT(-73.9857 40.7484)"},
            {"public.ST_AsText(c_geography)", "LINESTRING(0 0,1.5 2.25)"}, {"public.ST_SRID(c_geography::public.geometry)", "4326"},
            {"c_null", null},
        };
        for (String[] e : expected) {
            assertThat(one("SELECT (" + e[0] + ")::text FROM $S.type_zoo WHERE id = 1")).as(e[0]).isEqualTo(e[1]);
        }

    }

    /** The columns each dialect maps its own way: exact numbers, NaN kept as text, UUID bytes, timestamps in UTC. */
    private void assertTellingColumns(String target) throws Exception {
        String sql = target.equals("mariadb")
                ? "SELECT CAST(c_int8 AS CHAR), CAST(c_decimal_scaled AS CHAR), c_float8_nan, LOWER(HEX(c_uuid)),"
                        + " DATE_FORMAT(c_timestamptz, '%Y-%m-%d %H:%i:%s.%f'), c_string, c_jsonb, c_null FROM $S.type_zoo"
                : "SELECT C_INT8, C_DECIMAL_SCALED, C_FLOAT8_NAN, LOWER(RAWTOHEX(C_UUID)),"
                        + " TO_CHAR(C_TIMESTAMPTZ, 'YYYY-MM-DD HH24:MI:SS.FF6'), C_STRING, C_JSONB, C_NULL FROM $S.TYPE_ZOO";
        assertThat(query(sql)).containsExactly(java.util.Arrays.asList("9223372036854775807", "1234.5000", "NaN",
                "6f1d7c2e3b4a4c5d8e9f0a1b2c3d4e5f", "2025-09-30 14:30:15.123456",
                "Hello, 世界 \"quoted\" \\ back\nnew line\ttab <b>&amp;</b> \u0001",
                "{\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}", null));
    }

    private List<String> rows(String sql) throws Exception {
        return query(sql).stream().map(r -> r.stream().map(FixturesIT::uuid).collect(Collectors.joining("|")))
                .collect(Collectors.toList());
    }

    /** Oracle keeps UUIDs as RAW(16): show them hyphenated like the other targets. */
    private static String uuid(String v) {
        if (v != null && v.matches("[0-9a-f]{32}")) {
            return v.substring(0, 8) + "-" + v.substring(8, 12) + "-" + v.substring(12, 16) + "-" + v.substring(16, 20)
                    + "-" + v.substring(20);
        }
        return String.valueOf(v);
    }
}
