package dev.failback.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.ErrorKind;
import java.io.IOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests without a database: error classification, JSON slicing, array literals, SQL text. */
class PostgresDialectTest {
    private final PostgresDialect dialect = new PostgresDialect();

    @Test
    void classifiesSqlStates() {
        for (String s : List.of("08000", "08006", "40001", "40P01", "53300", "53200", "57P01", "57P02", "57P03", "55P03", "57014")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.TRANSIENT);
        }
        for (String s : List.of("23505", "23503", "23502", "23514")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.CONSTRAINT);
        }
        for (String s : List.of("22001", "22003", "22P02", "22007")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.BAD_DATA);
        }
        for (String s : List.of("42P01", "42501", "42703", "28P01", "3D000", "3F000")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.CONFIGURATION);
        }
        for (String s : List.of("21000", "57P04", "XX000", "3B001")) {
            assertThat(dialect.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.FATAL);
        }
    }

    @Test
    void classifiesClosedConnectionsWithoutSqlState() {
        assertThat(dialect.classify(new SQLException("Connection is closed"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("This connection has been closed."))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLRecoverableException("gone"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("io", new SocketException("reset")))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("something else"))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void jsonValuesKeepExactText() throws IOException {
        String after = "{\"a\": 1.50, \"b\": {\"n\": 1E+2, \"s\": \"}\"}, \"c\": [1, [2, null]], \"d\": \"\\\\x00\", \"e\": null, \"f\": false}";
        Map<String, Json.Value> fields = Json.fields(after);
        assertThat(fields.keySet()).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(fields.get("a")).isEqualTo(new Json.Value(Json.Kind.NUMBER, "1.50"));
        assertThat(fields.get("b")).isEqualTo(new Json.Value(Json.Kind.OBJECT, "{\"n\": 1E+2, \"s\": \"}\"}"));
        assertThat(fields.get("c")).isEqualTo(new Json.Value(Json.Kind.ARRAY, "[1, [2, null]]"));
        assertThat(fields.get("d")).isEqualTo(new Json.Value(Json.Kind.STRING, "\\x00"));
        assertThat(fields.get("e")).isEqualTo(Json.Value.NULL);
        assertThat(fields.get("f")).isEqualTo(new Json.Value(Json.Kind.BOOLEAN, "false"));
        assertThat(Json.keys(after)).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(Json.elements("[\"3f2b\", 1]")).extracting(Json.Value::json).containsExactly("\"3f2b\"", "1");
    }

    @Test
    void arraysBecomePostgresArrayLiterals() {
        assertThat(TextValues.arrayLiteral("[1, 2, null, 4]", false)).isEqualTo("{\"1\",\"2\",NULL,\"4\"}");
        assertThat(TextValues.arrayLiteral("[\"a\\\"b\", \"c\\\\d\", \"NULL\"]", false))
                .isEqualTo("{\"a\\\"b\",\"c\\\\d\",\"NULL\"}");
        assertThat(TextValues.arrayLiteral("[\"\\\\x6869\"]", false)).isEqualTo("{\"\\\\x6869\"}");
        assertThat(TextValues.arrayLiteral("[{\"a\": 1.50}, [1, 2], \"x\", null]", true))
                .isEqualTo("{\"{\\\"a\\\": 1.50}\",\"[1, 2]\",\"\\\"x\\\"\",NULL}");
        assertThat(TextValues.arrayLiteral("[[1, 2], [3, 4]]", false)).isEqualTo("{{\"1\",\"2\"},{\"3\",\"4\"}}");
    }

    @Test
    void sqlTextQuotesAndConverts() {
        assertThat(Sql.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(Sql.castType(column("character varying(10)", ""))).isEqualTo("text");
        assertThat(Sql.castType(column("character(3)[]", "array"))).isEqualTo("text[]");
        assertThat(Sql.castType(column("bit(4)", ""))).isEqualTo("bit varying");
        assertThat(Sql.castType(column("numeric(12,2)", ""))).isEqualTo("numeric(12,2)");
        assertThat(Sql.convert("?", column("public.geometry", "geometry"))).isEqualTo("public.st_geomfromgeojson((?)::text)");
        assertThat(Sql.convert("?", column("public.geometry(Point,3857)", "geometry")))
                .isEqualTo("public.st_setsrid(public.st_geomfromgeojson((?)::text), 3857)");
        assertThat(Sql.convert("x.g", column("public.geography", "geography")))
                .isEqualTo("public.st_geomfromgeojson((x.g)::text)::public.geography");
    }

    private static ColumnInfo column(String type, String kind) {
        return new ColumnInfo("c", type, kind, true, false, false);
    }
}
