package dev.failback.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowCheckerTest {
    private static final TableInfo T = new TableInfo(new TableName("s", "t"), List.of(
            new ColumnInfo("id", "bigint", "", false, false, false),
            new ColumnInfo("small", "smallint", "", true, false, false),
            new ColumnInfo("amount", "numeric(5,2)", "", true, false, false),
            new ColumnInfo("ratio", "double precision", "", true, false, false),
            new ColumnInfo("flag", "boolean", "", true, false, false),
            new ColumnInfo("code", "character(3)", "", true, false, false),
            new ColumnInfo("name", "character varying(5)", "", false, true, false),
            new ColumnInfo("born", "date", "", true, false, false),
            new ColumnInfo("tags", "text[]", "array", true, false, false),
            new ColumnInfo("doc", "jsonb", "json", true, false, false),
            new ColumnInfo("total", "bigint", "", true, false, true)),
            List.of("id"), Set.of());

    private static String check(String after) {
        return new PostgresDialect().checkRow(T, after);
    }

    @Test
    void acceptsWhatTheChangefeedSendsForEachType() {
        assertThat(check("{\"amount\": 123.45, \"born\": \"2025-09-30\", \"code\": \"USD\", \"doc\": {\"n\": 1.50},"
                + " \"flag\": true, \"id\": 9223372036854775807, \"name\": \"héllo\", \"ratio\": \"NaN\","
                + " \"small\": -32768, \"tags\": [\"a\", null], \"total\": \"ignored: generated\"}")).isNull();
        assertThat(check("{\"amount\": 1.005, \"id\": 1, \"name\": \"a\", \"ratio\": 1E+2}")).isNull();
    }

    @Test
    void namesTheColumnAndTheProblem() {
        assertThat(check("{\"id\": 1.5}")).contains("\"id\"", "expected an integer");
        assertThat(check("{\"id\": 1, \"small\": 40000}")).contains("\"small\"", "out of range for smallint");
        assertThat(check("{\"id\": 1, \"amount\": 1000.00}")).contains("\"amount\"", "does not fit numeric(5,2)");
        assertThat(check("{\"id\": 1, \"amount\": \"Infinity\"}")).contains("does not fit numeric(5,2)");
        assertThat(check("{\"id\": 1, \"amount\": \"lots\"}")).contains("expected a number");
        assertThat(check("{\"id\": 1, \"flag\": \"yes\"}")).contains("\"flag\"", "true or false");
        assertThat(check("{\"id\": 1, \"name\": \"toolong\"}")).contains("\"name\"", "7-character");
        assertThat(check("{\"id\": 1, \"name\": null}")).contains("\"name\"", "NOT NULL");
        assertThat(check("{\"id\": 1, \"born\": 20250930}")).contains("\"born\"", "expected a string");
        assertThat(check("{\"id\": 1, \"tags\": \"a,b\"}")).contains("\"tags\"", "JSON array");
    }

    @Test
    void numbersBeyondAnyExponentRangeAreRefusedQuickly() {
        long start = System.nanoTime();
        assertThat(check("{\"id\": 1, \"amount\": 1E+999999999}")).contains("\"amount\"", "does not fit");
        assertThat(check("{\"id\": 1, \"amount\": 1E-999999999}")).contains("\"amount\"", "does not fit");
        assertThat(check("{\"id\": 1, \"amount\": 1E+9999999999}")).contains("\"amount\"");
        assertThat(System.nanoTime() - start).as("no expansion of huge exponents").isLessThan(2_000_000_000L);
    }
}
