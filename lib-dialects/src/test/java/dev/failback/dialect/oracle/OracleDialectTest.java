package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.ErrorKind;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.util.List;
import org.junit.jupiter.api.Test;

class OracleDialectTest {
    private final OracleDialect dialect = new OracleDialect();

    private static SQLException ora(int code, String state) {
        return new SQLException(String.format("ORA-%05d: message", code), state, code);
    }

    @Test
    void classifiesOracleErrorsByNumber() {
        for (int code : new int[] {60, 54, 8177, 3113, 3114, 3135, 12514, 12541, 17002, 17008, 17410}) {
            assertThat(dialect.classify(ora(code, code == 60 ? "61000" : null))).as("ORA-%s", code).isEqualTo(ErrorKind.TRANSIENT);
        }
        for (int code : new int[] {1, 2291, 2292, 1400}) {
            assertThat(dialect.classify(ora(code, "23000"))).as("ORA-%s", code).isEqualTo(ErrorKind.CONSTRAINT);
        }
        for (int code : new int[] {1438, 12899, 1722, 1840, 1841, 1861}) {
            assertThat(dialect.classify(ora(code, "22000"))).as("ORA-%s", code).isEqualTo(ErrorKind.BAD_DATA);
        }
        assertThat(dialect.classify(ora(942, "42000"))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(ora(1031, "42000"))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(ora(600, "XX000"))).isEqualTo(ErrorKind.FATAL);
        // a batch failure carries the ORA error as its cause
        BatchUpdateException batch = new BatchUpdateException("batch failed", null, 0, new int[0], ora(60, "61000"));
        assertThat(dialect.classify(batch)).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLRecoverableException("Closed Connection"))).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void classifiesH2ErrorsBySqlState() {
        // H2 puts its own numbers in the error code: never read them as ORA numbers
        assertThat(dialect.classify(new SQLException("Unique index violation", "23505", 23505))).isEqualTo(ErrorKind.CONSTRAINT);
        assertThat(dialect.classify(new SQLException("Referential integrity", "23506", 23506))).isEqualTo(ErrorKind.CONSTRAINT);
        assertThat(dialect.classify(new SQLException("Value too long", "22001", 22001))).isEqualTo(ErrorKind.BAD_DATA);
        assertThat(dialect.classify(new SQLException("Numeric value out of range", "22003", 22003))).isEqualTo(ErrorKind.BAD_DATA);
        assertThat(dialect.classify(new SQLException("Deadlock detected", "40001", 40001))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("Timeout trying to lock table", "HYT00", 50200))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("Table not found", "42S02", 42102))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(new SQLException("no ORA prefix", "42000", 1))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(new SQLException("General error", "HY000", 50000))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void typesParseAndConvertWithoutTruncating() {
        assertThat(OracleType.parse("NUMBER(12,2)").bindExpression()).isEqualTo("CAST(? AS NUMBER(12,2))");
        assertThat(OracleType.parse("NUMBER(19)").bindExpression()).isEqualTo("CAST(? AS NUMBER(19))");
        assertThat(OracleType.parse("NUMBER").bindExpression()).isEqualTo("CAST(? AS NUMBER)");
        assertThat(OracleType.parse("FLOAT(126)").bindExpression()).isEqualTo("CAST(? AS NUMBER)");
        assertThat(OracleType.parse("VARCHAR2(255 CHAR)").bindExpression()).isEqualTo("CAST(? AS VARCHAR2(256 CHAR))");
        assertThat(OracleType.parse("VARCHAR2(4000 BYTE)").bindExpression()).isEqualTo("CAST(? AS VARCHAR2(4000 BYTE))");
        assertThat(OracleType.parse("VARCHAR2(32767 BYTE)").bindExpression()).isEqualTo("CAST(? AS VARCHAR2(32767 BYTE))");
        assertThat(OracleType.parse("CHAR(1 CHAR)").bindExpression()).isEqualTo("CAST(? AS VARCHAR2(2 CHAR))");
        assertThat(OracleType.parse("NVARCHAR2(10)").bindExpression()).isEqualTo("CAST(? AS NVARCHAR2(11))");
        assertThat(OracleType.parse("RAW(16)").bindExpression()).isEqualTo("CAST(? AS RAW(17))");
        assertThat(OracleType.parse("CLOB").bindExpression()).isEqualTo("TO_CLOB(?)");
        assertThat(OracleType.parse("BLOB").bindExpression()).isEqualTo("TO_BLOB(?)");
        assertThat(OracleType.parse("DATE").bindExpression()).isEqualTo("CAST(? AS DATE)");
        assertThat(OracleType.parse("TIMESTAMP(3)").bindExpression()).isEqualTo("CAST(? AS TIMESTAMP(3))");
        assertThat(OracleType.parse("TIMESTAMP(6) WITH TIME ZONE").bindExpression())
                .isEqualTo("CAST(? AS TIMESTAMP(6) WITH TIME ZONE)");
        assertThat(OracleType.parse("BINARY_DOUBLE").bindExpression()).isEqualTo("CAST(? AS BINARY_DOUBLE)");
        assertThat(OracleType.parse("XMLTYPE").bindExpression()).isEqualTo("?");
        assertThat(SchemaReader.format("NUMBER", 22, null, 0, 0, null)).isEqualTo("NUMBER(38)");
        assertThat(SchemaReader.format("CHAR", 1, null, null, 1, "B")).isEqualTo("CHAR(1 BYTE)");
    }

    @Test
    void mergeAndDeleteShapes() {
        var table = new dev.failback.spi.TableInfo(new TableName("APP", "T"), List.of(
                new ColumnInfo("A", "VARCHAR2(10 CHAR)", "varchar", false, false, false),
                new ColumnInfo("B", "NUMBER(10)", "number", false, false, false),
                new ColumnInfo("V", "CLOB", "clob", true, false, false)), List.of("A", "B"), java.util.Set.of());
        Writer.Shape shape = Writer.Shape.of(table, List.of("a", "b", "v"));
        assertThat(Writer.mergeSql(table.name(), shape, 2)).isEqualTo("MERGE INTO \"APP\".\"T\" t USING ("
                + "SELECT CAST(? AS VARCHAR2(11 CHAR)) \"A\", CAST(? AS NUMBER(10)) \"B\", TO_CLOB(?) \"V\" FROM DUAL"
                + " UNION ALL SELECT CAST(? AS VARCHAR2(11 CHAR)), CAST(? AS NUMBER(10)), TO_CLOB(?) FROM DUAL) s"
                + " ON (t.\"A\" = s.\"A\" AND t.\"B\" = s.\"B\") WHEN MATCHED THEN UPDATE SET t.\"V\" = s.\"V\""
                + " WHEN NOT MATCHED THEN INSERT (\"A\", \"B\", \"V\") VALUES (s.\"A\", s.\"B\", s.\"V\")");
        assertThat(Writer.mergeSql(table.name(), Writer.Shape.of(table, List.of("a", "b")), 1))
                .doesNotContain("WHEN MATCHED").contains("WHEN NOT MATCHED THEN INSERT (\"A\", \"B\")");
        assertThat(Writer.deleteSql(table.name(), table.columns().subList(0, 2), 2))
                .isEqualTo("DELETE FROM \"APP\".\"T\" WHERE (\"A\", \"B\") IN ((CAST(? AS VARCHAR2(11 CHAR)), CAST(? AS NUMBER(10))),"
                        + " (CAST(? AS VARCHAR2(11 CHAR)), CAST(? AS NUMBER(10))))");
        assertThat(Writer.deleteSql(table.name(), table.columns().subList(0, 2), 0))
                .isEqualTo("DELETE FROM \"APP\".\"T\" WHERE \"A\" = CAST(? AS VARCHAR2(11 CHAR)) AND \"B\" = CAST(? AS NUMBER(10))");
        assertThat(Writer.deleteSql(table.name(), table.columns().subList(1, 2), 3))
                .isEqualTo("DELETE FROM \"APP\".\"T\" WHERE \"B\" IN (CAST(? AS NUMBER(10)), CAST(? AS NUMBER(10)), CAST(? AS NUMBER(10)))");
        assertThat(Writer.bucket(100, 64)).isEqualTo(64);
        assertThat(Writer.bucket(37, 64)).isEqualTo(32);
        assertThat(Writer.bucket(1, 64)).isEqualTo(1);
    }
}
