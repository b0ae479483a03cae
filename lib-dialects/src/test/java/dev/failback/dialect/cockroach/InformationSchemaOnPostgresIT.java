package dev.failback.dialect.cockroach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.dialect.postgres.PostgresDialectProvider;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CockroachDB dialect's {@code information_schema} reader and detection, run on the local
 * PostgreSQL (the reader uses only standard {@code information_schema} columns): it must describe
 * tables as PostgreSQL's {@code pg_catalog} reader does, and its types must carry fixture 12 into the
 * table exactly when PostgreSQL's writer uses them.
 */
class InformationSchemaOnPostgresIT {
    private static final Hlc TS = Hlc.parse("1759246975662390001.0000000000");
    private Connection c;
    private String schema;

    @BeforeEach
    void createSchema() throws Exception {
        c = TestDatabases.postgres();
        schema = TestDatabases.uniqueName("crdbreader");
        exec("CREATE SCHEMA " + schema, "SET search_path TO " + schema + ", public");
        for (int attempt = 0; ; attempt++) {
            try {
                exec("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public");
                break;
            } catch (SQLException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
        exec(ZooFixture.resource("/postgres/type-zoo.sql"),
                "CREATE TABLE parent (a int, b text, PRIMARY KEY (b, a))",
                "CREATE TABLE child (id bigint PRIMARY KEY, a int, b text, total numeric GENERATED ALWAYS AS (a * 2) STORED,"
                        + " note varchar(5) NOT NULL DEFAULT 'x', FOREIGN KEY (b, a) REFERENCES parent)",
                "CREATE VIEW v AS SELECT 1 AS one");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try {
            exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } finally {
            c.close();
        }
    }

    @Test
    void describesTablesAsThePgCatalogReaderDoes() throws SQLException {
        TargetSchema mine = new CockroachDialect().readSchema(c, schema);
        TargetSchema pg = new PostgresDialect().readSchema(c, schema);
        assertThat(mine.tables().keySet()).containsExactlyInAnyOrderElementsOf(pg.tables().keySet())
                .containsExactlyInAnyOrder("type_zoo", "parent", "child");
        for (TableInfo t : pg.tables().values()) {
            TableInfo m = mine.table(t.name().name());
            assertThat(m.primaryKey()).as(t.name().name()).isEqualTo(t.primaryKey());
            assertThat(m.parents()).as(t.name().name()).isEqualTo(t.parents());
            assertThat(m.columns()).extracting(ColumnInfo::name).isEqualTo(t.columns().stream().map(ColumnInfo::name).toList());
            for (ColumnInfo col : t.columns()) {
                ColumnInfo mc = m.column(col.name());
                assertThat(List.of(mc.nullable(), mc.hasDefault(), mc.generated())).as(col.name())
                        .isEqualTo(List.of(col.nullable(), col.hasDefault(), col.generated()));
                assertThat(mc.typeKind()).as(col.name()).isEqualTo(col.typeKind());
            }
        }
        TableInfo child = mine.table("child");
        assertThat(child.parents()).containsExactly(new TableName(schema, "parent"));
        assertThat(child.column("note").sqlType()).isEqualTo("character varying(5)");
        assertThat(child.column("total").generated()).isTrue();
        assertThat(mine.table("type_zoo").column("c_decimal_scaled").sqlType()).isEqualTo("numeric(12,4)");
        assertThat(mine.table("type_zoo").column("c_collated").sqlType()).isEqualTo("text COLLATE \"de-x-icu\"");
        assertThat(mine.table("type_zoo").column("c_enum").sqlType()).isEqualTo("\"" + schema + "\".\"mood\"");
    }

    @Test
    void resolvesTheConnectedDatabaseAndSchema() throws SQLException {
        CockroachDialect d = new CockroachDialect();
        assertThat(d.resolveSchema(c, List.of("postgres", schema.toUpperCase()))).isEqualTo(schema);
        assertThatThrownBy(() -> d.resolveSchema(c, List.of("nope", schema))).isInstanceOf(UnknownTargetException.class)
                .hasMessageContaining("unknown database");
        assertThatThrownBy(() -> d.resolveSchema(c, List.of("postgres", "nope_" + schema)))
                .isInstanceOf(UnknownTargetException.class).hasMessageContaining("unknown schema");
    }

    @Test
    void postgresIsNotMistakenForCockroach() throws SQLException {
        assertThat(new CockroachDialectProvider().supports(c.getMetaData())).isFalse();
        assertThat(new PostgresDialectProvider().supports(c.getMetaData())).isTrue();
        assertThat(c.isClosed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ApplyTechnique.class, names = {"UNNEST", "VALUES"})
    void itsTypesCarryFixture12Exactly(ApplyTechnique technique) throws Exception {
        TableInfo zoo = new CockroachDialect().readSchema(c, schema).table("type_zoo");
        Mutation row = new Mutation(new TableName(schema, "type_zoo"), "[1]", TS, ZooFixture.after(), null);
        PostgresDialect writer = new PostgresDialect(technique);
        assertThat(new CockroachDialect().checkRow(zoo, row.after())).isNull();
        for (int i = 0; i < 2; i++) {
            c.setAutoCommit(false);
            writer.upsert(c, zoo, List.of(row));
            c.commit();
            c.setAutoCommit(true);
        }
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("c_int8", "c_int8 = 9223372036854775807");
        checks.put("c_float8_nan", "c_float8_nan = 'NaN'");
        checks.put("c_decimal_scaled", "c_decimal_scaled::text = '1234.5000'");
        checks.put("c_decimal_small", "c_decimal_small::text = '0.00012300'");
        checks.put("c_char3", "c_char3 = 'USD'");
        checks.put("c_collated", "c_collated = 'straße' AND pg_collation_for(c_collated) = '\"de-x-icu\"'");
        checks.put("c_bytes", "c_bytes = '\\x0001feff'::bytea");
        checks.put("c_timetz", "c_timetz = '14:30:15.123456+02'::timetz");
        checks.put("c_timestamptz", "c_timestamptz = '2025-09-30 16:30:15.123456+02'::timestamptz");
        checks.put("c_interval", "c_interval = '1 day 2 hours 3 minutes 4.5 seconds'::interval");
        checks.put("c_jsonb", "c_jsonb->'nested' ? 'x' AND c_jsonb::text LIKE '%\"n\": 1.50%'");
        checks.put("c_int_array", "c_int_array = '{1,2,NULL,4}'::bigint[]");
        checks.put("c_decimal_array", "c_decimal_array::text = '{1.10,2.00}'");
        checks.put("c_jsonb_array", "c_jsonb_array = ARRAY['{\"a\":1}', '[1,2]', '\"x\"']::jsonb[]");
        checks.put("c_enum", "c_enum = 'happy'");
        checks.put("c_enum_array", "c_enum_array = '{happy,sad}'::mood[]");
        checks.put("c_bit4", "c_bit4 = B'1010'");
        checks.put("c_geometry", "ST_AsText(c_geometry) = 'POINT(-73.9857 40.7484)'");
        checks.put("c_geography", "ST_AsText(c_geography) = 'LINESTRING(0 0,1.5 2.25)' AND ST_SRID(c_geography) = 4326");
        checks.put("c_null", "c_null IS NULL");
        assertThat(ZooFixture.failures(c, "type_zoo", 1, checks)).isEmpty();
    }

    private void exec(String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
