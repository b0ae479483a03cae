package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowCheckerTest {
    private static final TableInfo T = new TableInfo(new TableName("APP", "T"), List.of(
            new ColumnInfo("ID", "NUMBER(19)", "number", false, false, false),
            new ColumnInfo("AMOUNT", "NUMBER(5,2)", "number", true, false, false),
            new ColumnInfo("FREE", "NUMBER", "number", true, false, false),
            new ColumnInfo("RATIO", "BINARY_DOUBLE", "binary_double", true, false, false),
            new ColumnInfo("FLAG", "NUMBER(1)", "number", true, false, false),
            new ColumnInfo("CODE", "CHAR(3 CHAR)", "char", true, false, false),
            new ColumnInfo("NAME", "VARCHAR2(5 CHAR)", "varchar", false, true, false),
            new ColumnInfo("TAG", "VARCHAR2(5 BYTE)", "varchar", true, false, false),
            new ColumnInfo("BORN", "DATE", "date", true, false, false),
            new ColumnInfo("AT", "TIMESTAMP(6) WITH TIME ZONE", "timestamp_tz", true, false, false),
            new ColumnInfo("UID", "RAW(16)", "raw", true, false, false),
            new ColumnInfo("PIC", "BLOB", "blob", true, false, false),
            new ColumnInfo("DOC", "CLOB", "clob", true, false, false),
            new ColumnInfo("TOTAL", "NUMBER(3)", "number", true, false, true)),
            List.of("ID"), Set.of());

    private static String check(String after) {
        return new OracleDialect().checkRow(T, after);
    }

    @Test
    void acceptsWhatTheChangefeedSendsForEachType() {
        assertThat(check("{\"amount\": 123.45, \"at\": \"2025-09-30T14:30:15.123456Z\", \"born\": \"2025-09-30\","
                + " \"code\": \"USD\", \"doc\": {\"n\": 1.50}, \"flag\": true, \"free\": 1.5E+10, \"id\": 9223372036854775807,"
                + " \"name\": \"héllo\", \"pic\": \"\\\\x0001\", \"ratio\": \"NaN\", \"tag\": \"ab\","
                + " \"uid\": \"6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f\", \"total\": \"ignored: virtual\"}")).isNull();
        assertThat(check("{\"amount\": 999.994, \"born\": \"2025-09-30T14:30:15\", \"id\": 1, \"name\": \"a\", \"ratio\": 1E+2,"
                + " \"doc\": \"" + "x".repeat(10_000) + "\"}")).isNull();
    }

    @Test
    void namesTheColumnAndTheProblem() {
        assertThat(check("{\"id\": 1, \"amount\": 999.995}")).contains("\"AMOUNT\"", "does not fit NUMBER(5,2)");
        assertThat(check("{\"id\": 1, \"amount\": 1000}")).contains("does not fit NUMBER(5,2)");
        assertThat(check("{\"id\": 1, \"amount\": \"Infinity\"}")).contains("\"AMOUNT\"", "cannot be stored in NUMBER");
        assertThat(check("{\"id\": 1, \"free\": \"NaN\"}")).contains("\"FREE\"", "cannot be stored in NUMBER");
        assertThat(check("{\"id\": 1, \"free\": 1E+200}")).contains("overflows NUMBER");
        assertThat(check("{\"id\": 12345678901234567890}")).contains("\"ID\"", "does not fit NUMBER(19)");
        assertThat(check("{\"id\": 1, \"amount\": \"lots\"}")).contains("expected a number");
        assertThat(check("{\"id\": 1, \"ratio\": \"much\"}")).contains("\"RATIO\"", "expected a number");
        assertThat(check("{\"id\": 1, \"name\": \"toolong\"}")).contains("\"NAME\"", "7-character");
        assertThat(check("{\"id\": 1, \"tag\": \"héllo\"}")).contains("\"TAG\"", "6-byte");
        assertThat(check("{\"id\": 1, \"code\": \"EURO\"}")).contains("\"CODE\"", "4-character");
        assertThat(check("{\"id\": 1, \"name\": null}")).contains("\"NAME\"", "NOT NULL");
        assertThat(check("{\"id\": 1, \"name\": \"\"}")).contains("\"NAME\"", "empty string as NULL");
        assertThat(check("{\"id\": 1, \"born\": 20250930}")).contains("\"BORN\"", "expected a date");
        assertThat(check("{\"id\": 1, \"born\": \"infinity\"}")).contains("\"BORN\"", "expected a date");
        assertThat(check("{\"id\": 1, \"uid\": \"\\\\x00112233445566778899aabbccddeeff00\"}")).contains("\"UID\"", "17-byte");
        assertThat(check("{\"id\": 1, \"pic\": \"not hex\"}")).contains("\"PIC\"", "expected bytes");
        assertThat(check("{\"id\": 1, \"name\": \"" + "é".repeat(3) + "\", \"doc\": 1}")).isNull();
    }
}
