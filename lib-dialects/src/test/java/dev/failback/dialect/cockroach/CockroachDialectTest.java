package dev.failback.dialect.cockroach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.dialect.postgres.PostgresDialectProvider;
import dev.failback.spi.DialectProvider;
import dev.failback.spi.ErrorKind;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Unit tests without a database: detection, error classification, type mapping. */
class CockroachDialectTest {
    private final CockroachDialect dialect = new CockroachDialect();

    @Test
    void classifiesRetryAndAmbiguousErrorsAsTransient() {
        for (String s : List.of("40001", "40003", "08000", "08006", "57P01", "40P01", "53200")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.TRANSIENT);
        }
        assertThat(dialect.classify(new SQLException(
                "ERROR: restart transaction: TransactionRetryWithProtoRefreshError: ReadWithinUncertaintyIntervalError",
                "XXUUU"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("Connection is closed"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("x", "23505"))).isEqualTo(ErrorKind.CONSTRAINT);
        assertThat(dialect.classify(new SQLException("x", "23503"))).isEqualTo(ErrorKind.CONSTRAINT);
        assertThat(dialect.classify(new SQLException("x", "22001"))).isEqualTo(ErrorKind.BAD_DATA);
        assertThat(dialect.classify(new SQLException("x", "42P01"))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(new SQLException("x", "XX000"))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void namesPathsAndTechniques() {
        assertThat(dialect.name()).isEqualTo("cockroachdb");
        assertThat(dialect.schemaPathSegments()).isEqualTo(2);
        assertThat(dialect.technique()).isEqualTo(ApplyTechnique.UNNEST);
        assertThat(new CockroachDialect(ApplyTechnique.VALUES).technique()).isEqualTo(ApplyTechnique.VALUES);
        assertThatThrownBy(() -> new CockroachDialect(ApplyTechnique.JSONB_RECORDSET))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.resolveSchema(connection("x"), List.of("db")))
                .hasMessageContaining("/database/schema");
    }

    @Test
    void detectsCockroachFromVersionAndOutranksPostgres() throws SQLException {
        DatabaseMetaData crdb = metaData("PostgreSQL", "CockroachDB CCL v24.3.5 (x86_64-pc-linux-gnu, built 2025/02/13, go1.22.8)");
        DatabaseMetaData pg = metaData("PostgreSQL", "PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu");
        DatabaseMetaData maria = metaData("MariaDB", "CockroachDB would not be asked");
        assertThat(new CockroachDialectProvider().supports(crdb)).isTrue();
        assertThat(new PostgresDialectProvider().supports(crdb)).isFalse();
        assertThat(new CockroachDialectProvider().supports(pg)).isFalse();
        assertThat(new PostgresDialectProvider().supports(pg)).isTrue();
        assertThat(new CockroachDialectProvider().supports(maria)).isFalse();
        assertThat(new CockroachDialectProvider().priority()).isGreaterThan(new PostgresDialectProvider().priority());
        assertThat(new CockroachDialectProvider().create()).isInstanceOf(CockroachDialect.class);
    }

    @Test
    void isRegisteredAsAService() {
        List<Class<?>> found = new ArrayList<>();
        for (DialectProvider p : ServiceLoader.load(DialectProvider.class)) {
            found.add(p.getClass());
        }
        assertThat(found).contains(CockroachDialectProvider.class, PostgresDialectProvider.class);
    }

    @Test
    void mapsInformationSchemaTypesToCastableNames() {
        assertThat(type("bigint", "pg_catalog", "int8", null, 64, 0, null)).isEqualTo("bigint|");
        assertThat(type("numeric", "pg_catalog", "numeric", null, 12, 4, null)).isEqualTo("numeric(12,4)|");
        assertThat(type("numeric", "pg_catalog", "numeric", null, null, null, null)).isEqualTo("numeric|");
        assertThat(type("character varying", "pg_catalog", "varchar", 10, null, null, null))
                .isEqualTo("character varying(10)|");
        assertThat(type("character", "pg_catalog", "bpchar", 3, null, null, null)).isEqualTo("character(3)|");
        assertThat(type("bit varying", "pg_catalog", "varbit", null, null, null, null)).isEqualTo("bit varying|");
        assertThat(type("text", "pg_catalog", "text", null, null, null, "de")).isEqualTo("text COLLATE \"de\"|");
        assertThat(type("text", "pg_catalog", "text", null, null, null, "default")).isEqualTo("text|");
        assertThat(type("ARRAY", "pg_catalog", "_int8", null, null, null, null))
                .isEqualTo("int8[]|" + PostgresDialect.KIND_ARRAY);
        assertThat(type("ARRAY", "pg_catalog", "_jsonb", null, null, null, null))
                .isEqualTo("jsonb[]|" + PostgresDialect.KIND_ARRAY);
        assertThat(type("ARRAY", "public", "_mood", null, null, null, null))
                .isEqualTo("\"public\".\"mood\"[]|" + PostgresDialect.KIND_ARRAY);
        assertThat(type("USER-DEFINED", "public", "mood", null, null, null, null))
                .isEqualTo("\"public\".\"mood\"|" + PostgresDialect.KIND_ENUM);
        assertThat(type("USER-DEFINED", "public", "geometry", null, null, null, null))
                .isEqualTo("geometry|" + PostgresDialect.KIND_GEOMETRY);
        assertThat(type("geography", "pg_catalog", "geography", null, null, null, null))
                .isEqualTo("geography|" + PostgresDialect.KIND_GEOGRAPHY);
        assertThat(type("jsonb", "pg_catalog", "jsonb", null, null, null, null)).isEqualTo("jsonb|" + PostgresDialect.KIND_JSON);
        assertThat(type("bytea", "pg_catalog", "bytea", null, null, null, null)).isEqualTo("bytea|" + PostgresDialect.KIND_BYTEA);
        assertThat(type("time with time zone", "pg_catalog", "timetz", null, null, null, null))
                .isEqualTo("time with time zone|");
    }

    private static String type(String dataType, String udtSchema, String udtName, Integer length, Integer precision,
            Integer scale, String collation) {
        SchemaReader.Type t = new SchemaReader.Type(dataType, udtSchema, udtName, length, precision, scale, collation);
        return t.sqlType() + "|" + t.kind();
    }

    /** A metadata stub whose connection answers {@code SELECT version()} with the given text. */
    private static DatabaseMetaData metaData(String product, String version) {
        Connection connection = connection(version);
        return (DatabaseMetaData) Proxy.newProxyInstance(CockroachDialectTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDatabaseProductName" -> product;
                    case "getConnection" -> connection;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Connection connection(String version) {
        ResultSet rs = (ResultSet) Proxy.newProxyInstance(CockroachDialectTest.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "next" -> true;
                    case "getString" -> version;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Statement statement = (Statement) Proxy.newProxyInstance(CockroachDialectTest.class.getClassLoader(),
                new Class<?>[] {Statement.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "executeQuery" -> {
                        if (!"SELECT version()".equals(args[0])) {
                            throw new SQLException("unexpected " + args[0]);
                        }
                        yield rs;
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Connection) Proxy.newProxyInstance(CockroachDialectTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement;
                    case "close" -> throw new AssertionError("detection must not close the connection");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
