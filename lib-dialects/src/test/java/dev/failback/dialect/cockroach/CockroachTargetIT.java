package dev.failback.dialect.cockroach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialectProvider;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * CockroachDB as a target, in a Testcontainers single node: detection, schema reading, fixture 12
 * (every changefeed column type) with each supported technique, partial rows and deletes. Skipped
 * with a message when there is no Docker engine.
 */
class CockroachTargetIT {
    static final String IMAGE = "cockroachdb/cockroach:v24.3.5";
    private static final Hlc TS = Hlc.parse("1759246975662390001.0000000000");
    private static final String ZOO = "CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok');"
            + "CREATE TABLE type_zoo (id INT8 PRIMARY KEY, c_int2 INT2, c_int4 INT4, c_int8 INT8,"
            + " c_float8 FLOAT8, c_float8_hundred FLOAT8, c_float8_tiny FLOAT8, c_float8_small FLOAT8, c_float8_big FLOAT8,"
            + " c_float8_nan FLOAT8, c_float8_pos_inf FLOAT8, c_float8_neg_inf FLOAT8, c_float4 FLOAT4,"
            + " c_decimal_scaled DECIMAL(12,4), c_decimal_small DECIMAL, c_decimal_exp DECIMAL, c_decimal_nan DECIMAL,"
            + " c_decimal_inf DECIMAL, c_string STRING, c_char3 CHAR(3), c_collated STRING COLLATE de, c_bytes BYTES,"
            + " c_bytes_text BYTES, c_bool BOOL, c_date DATE, c_time TIME, c_time_whole TIME, c_timetz TIMETZ,"
            + " c_timestamp TIMESTAMP, c_timestamp_whole TIMESTAMP, c_timestamptz TIMESTAMPTZ, c_interval INTERVAL,"
            + " c_interval_ym INTERVAL, c_interval_neg INTERVAL, c_uuid UUID, c_inet4 INET, c_inet_cidr INET, c_inet6 INET,"
            + " c_jsonb JSONB, c_jsonb_null JSONB, c_int_array INT8[], c_string_array STRING[], c_decimal_array DECIMAL(5,2)[],"
            + " c_bool_array BOOL[], c_date_array DATE[], c_timestamptz_array TIMESTAMPTZ[], c_uuid_array UUID[],"
            + " c_bytes_array BYTES[], c_jsonb_array JSONB[], c_enum mood, c_enum_array mood[], c_bit4 BIT(4),"
            + " c_varbit VARBIT, c_geometry GEOMETRY, c_geography GEOGRAPHY, c_null STRING)";

    private static CockroachContainer container;
    private Connection c;
    private String database;

    /** Starts the shared container on first use; skips each test (so each is reported) without Docker. */
    static synchronized CockroachContainer cockroach() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            Assumptions.abort("SKIPPED: no Docker engine: CockroachDB container cannot start");
        }
        if (container == null) {
            CockroachContainer started = new CockroachContainer(DockerImageName.parse(IMAGE))
                    .withCommand("start-single-node --insecure");
            started.start();
            container = started;
        }
        return container;
    }

    @AfterAll
    static void stopCockroach() {
        if (container != null) {
            container.stop();
        }
    }

    @BeforeEach
    void createDatabase() throws SQLException {
        cockroach();
        database = "crdbtarget_" + Long.toString(System.nanoTime() & 0xffffffL, 36);
        try (Connection admin = DriverManager.getConnection(container.getJdbcUrl(), container.getUsername(),
                container.getPassword()); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = container.getJdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1");
        c = DriverManager.getConnection(url, container.getUsername(), container.getPassword());
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (c != null) {
            try {
                exec("USE defaultdb", "DROP DATABASE IF EXISTS " + database + " CASCADE");
            } finally {
                c.close();
            }
        }
    }

    @Test
    void isDetectedAndResolvesPaths() throws SQLException {
        assertThat(new CockroachDialectProvider().supports(c.getMetaData())).isTrue();
        assertThat(new PostgresDialectProvider().supports(c.getMetaData())).isFalse();
        assertThat(new CockroachDialect().resolveSchema(c, List.of(database.toUpperCase(), "PUBLIC"))).isEqualTo("public");
    }

    @Test
    void readsKeysForeignKeysAndComputedColumns() throws SQLException {
        exec("CREATE TABLE parent (a INT8, b STRING, PRIMARY KEY (b, a))",
                "CREATE TABLE child (id INT8 PRIMARY KEY, a INT8, b STRING, twice INT8 AS (a * 2) STORED,"
                        + " note VARCHAR(5) NOT NULL DEFAULT 'x', FOREIGN KEY (b, a) REFERENCES parent (b, a))");
        TargetSchema schema = new CockroachDialect().readSchema(c, "public");
        assertThat(schema.table("parent").primaryKey()).containsExactly("b", "a");
        TableInfo child = schema.table("child");
        assertThat(child.parents()).containsExactly(new TableName("public", "parent"));
        assertThat(child.column("twice").generated()).isTrue();
        assertThat(child.column("note").sqlType()).isEqualTo("character varying(5)");
        assertThat(child.column("note").hasDefault()).isTrue();
        assertThat(child.column("note").nullable()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ApplyTechnique.class, names = {"UNNEST", "VALUES"})
    void everyColumnTypeLands(ApplyTechnique technique) throws Exception {
        for (String ddl : ZOO.split(";")) {
            exec(ddl);
        }
        CockroachDialect dialect = new CockroachDialect(technique);
        TableInfo zoo = dialect.readSchema(c, "public").table("type_zoo");
        String after = ZooFixture.after();
        assertThat(dialect.checkRow(zoo, after)).isNull();
        Mutation row = new Mutation(new TableName("public", "type_zoo"), "[1]", TS, after, null);
        inTransaction(() -> dialect.upsert(c, zoo, List.of(row)));
        inTransaction(() -> dialect.upsert(c, zoo, List.of(row)));
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("c_int2", "c_int2 = 32767");
        checks.put("c_int4", "c_int4 = -2147483648");
        checks.put("c_int8", "c_int8 = 9223372036854775807");
        checks.put("c_float8", "c_float8 = 3.141592653589793::FLOAT8");
        checks.put("c_float8_big", "c_float8_big = 1.5E+21::FLOAT8");
        checks.put("c_float8_nan", "c_float8_nan = 'NaN'::FLOAT8");
        checks.put("c_float8_neg_inf", "c_float8_neg_inf = '-Infinity'::FLOAT8");
        checks.put("c_decimal_scaled", "c_decimal_scaled::STRING = '1234.5000'");
        checks.put("c_decimal_small", "c_decimal_small::STRING = '0.00012300'");
        checks.put("c_decimal_inf", "c_decimal_inf = 'Infinity'::DECIMAL");
        checks.put("c_string", "c_string LIKE 'Hello, 世界 \"quoted\" %'");
        checks.put("c_char3", "c_char3 = 'USD'");
        checks.put("c_collated", "c_collated = ('straße' COLLATE de)");
        checks.put("c_bytes", "c_bytes = '\\x0001feff'::BYTES");
        checks.put("c_bytes_text", "c_bytes_text = 'hello'::BYTES");
        checks.put("c_bool", "c_bool");
        checks.put("c_date", "c_date = '2025-09-30'::DATE");
        checks.put("c_time", "c_time = '14:30:15.123456'::TIME");
        checks.put("c_timetz", "c_timetz = '14:30:15.123456+02'::TIMETZ");
        checks.put("c_timestamp", "c_timestamp = '2025-09-30 14:30:15.123456'::TIMESTAMP");
        checks.put("c_timestamptz", "c_timestamptz = '2025-09-30 16:30:15.123456+02'::TIMESTAMPTZ");
        checks.put("c_interval", "c_interval = '1 day 02:03:04.5'::INTERVAL");
        checks.put("c_interval_neg", "c_interval_neg = '-01:30:00'::INTERVAL");
        checks.put("c_uuid", "c_uuid = '6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f'::UUID");
        checks.put("c_inet6", "c_inet6 = '2001:db8::1'::INET");
        checks.put("c_inet_cidr", "c_inet_cidr = '10.0.0.0/8'::INET");
        checks.put("c_jsonb", "c_jsonb = '{\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}'::JSONB");
        checks.put("c_jsonb_null", "c_jsonb_null IS NULL");
        checks.put("c_int_array", "c_int_array::STRING = '{1,2,NULL,4}'");
        checks.put("c_string_array", "array_length(c_string_array, 1) = 3 AND c_string_array[2] = 'b c'"
                + " AND c_string_array[3] IS NULL");
        checks.put("c_decimal_array", "c_decimal_array::STRING = '{1.10,2.00}'");
        checks.put("c_jsonb_array", "array_length(c_jsonb_array, 1) = 3 AND c_jsonb_array[3] = '\"x\"'::JSONB");
        checks.put("c_enum", "c_enum = 'happy'");
        checks.put("c_enum_array", "c_enum_array::STRING = '{happy,sad}'");
        checks.put("c_bit4", "c_bit4 = B'1010'");
        checks.put("c_varbit", "c_varbit = B'101'");
        checks.put("c_geometry", "ST_X(c_geometry) = -73.9857 AND ST_Y(c_geometry) = 40.7484");
        checks.put("c_geography", "ST_SRID(c_geography) = 4326 AND ST_NPoints(c_geography::GEOMETRY) = 2");
        checks.put("c_null", "c_null IS NULL");
        assertThat(ZooFixture.failures(c, "type_zoo", 1, checks)).isEmpty();
        assertThat(query("SELECT count(*) FROM type_zoo")).containsExactly("1");
    }

    @ParameterizedTest
    @EnumSource(value = ApplyTechnique.class, names = {"UNNEST", "VALUES"})
    void partialRowsKeepOtherColumnsAndDeletesRemoveByKey(ApplyTechnique technique) throws SQLException {
        exec("CREATE TABLE t (k1 STRING, k2 INT8, a STRING, b STRING DEFAULT 'dflt', PRIMARY KEY (k1, k2))");
        CockroachDialect dialect = new CockroachDialect(technique);
        TableInfo t = dialect.readSchema(c, "public").table("t");
        inTransaction(() -> dialect.upsert(c, t, List.of(
                upsert("[\"x\", 1]", "{\"k1\": \"x\", \"k2\": 1, \"a\": \"a1\", \"b\": \"b1\"}"),
                upsert("[\"y\", 2]", "{\"k1\": \"y\", \"k2\": 2, \"a\": \"a2\", \"b\": \"b2\"}"))));
        inTransaction(() -> dialect.upsert(c, t, List.of(
                upsert("[\"x\", 1]", "{\"k1\": \"x\", \"k2\": 1, \"a\": \"A1\"}"),
                upsert("[\"z\", 3]", "{\"k1\": \"z\", \"k2\": 3, \"a\": \"a3\"}"))));
        assertThat(query("SELECT k1 || ':' || a || ':' || b FROM t ORDER BY k1"))
                .containsExactly("x:A1:b1", "y:a2:b2", "z:a3:dflt");
        inTransaction(() -> dialect.delete(c, t, List.of(
                new Mutation(new TableName("public", "t"), "[\"x\", 1]", TS, null, null),
                new Mutation(new TableName("public", "t"), "[\"nope\", 9]", TS, null, null))));
        assertThat(query("SELECT k1 FROM t ORDER BY k1")).containsExactly("y", "z");
    }

    private static Mutation upsert(String key, String after) {
        return new Mutation(new TableName("public", "t"), key, TS, after, null);
    }

    interface Work {
        void run() throws SQLException;
    }

    private void inTransaction(Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void exec(String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private List<String> query(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
