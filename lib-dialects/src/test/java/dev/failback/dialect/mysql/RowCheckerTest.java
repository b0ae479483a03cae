package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** checkRow refuses what MySQL/MariaDB can never store, and passes the rest. */
class RowCheckerTest {
    private static final TableInfo T = new TableInfo(new TableName("db", "t"), List.of(
            col("id", "bigint(20)", "", false),
            col("ti", "tinyint(4)", "", true),
            col("tu", "tinyint(3) unsigned", "", true),
            col("bu", "bigint(20) unsigned", "", true),
            col("ok", "tinyint(1)", "", true),
            col("dec", "decimal(6,2)", "", true),
            col("decu", "decimal(6,2) unsigned", "", true),
            col("f", "float", "", true),
            col("d", "double", "", true),
            col("vc", "varchar(3)", "", true),
            col("ch", "char(2)", "", true),
            col("tt", "tinytext", "", true),
            col("vb", "varbinary(2)", "binary", true),
            col("u", "binary(16)", "binary", true),
            col("b", "bit(4)", "bit", true),
            col("e", "enum('a','b')", "enum", true),
            col("s", "set('x','y')", "set", true),
            col("dt", "datetime(6)", "", true),
            col("ts", "timestamp(6)", "", true),
            col("dd", "date", "", true),
            col("j", "longtext", "json", true),
            col("g", "point", "geometry", true),
            col("nn", "varchar(10)", "", false),
            new ColumnInfo("gen", "int(11)", "", true, true, true)), List.of("id"), Set.of());

    private static ColumnInfo col(String name, String type, String kind, boolean nullable) {
        return new ColumnInfo(name, type, kind, nullable, false, false);
    }

    private static String check(String fields) {
        return new MySqlDialect(MySqlDialect.Flavor.MARIADB).checkRow(T, "{\"id\": 1, " + fields + "}");
    }

    @Test
    void acceptsWhatFits() {
        assertThat(check("\"ti\": -128, \"tu\": 255, \"bu\": 18446744073709551615, \"ok\": true, \"dec\": 9999.994,"
                + " \"decu\": 1.5E+2, \"f\": 1.100000023841858, \"d\": 1E-7, \"vc\": \"世界!\", \"ch\": \"ab   \","
                + " \"tt\": \"x\", \"vb\": \"\\\\x0001\", \"u\": \"6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f\", \"b\": \"1010\","
                + " \"e\": \"a\", \"s\": [\"x\", \"y\"], \"dt\": \"2025-09-30T14:30:15.123456\", \"ts\": \"2025-09-30T14:30:15Z\","
                + " \"dd\": \"2025-09-30\", \"j\": {\"a\": [1]}, \"g\": {\"type\": \"Point\", \"coordinates\": [1, 2]},"
                + " \"nn\": \"x\", \"gen\": \"ignored\"")).isNull();
        assertThat(check("\"s\": \"x,y\", \"j\": \"text\", \"nn\": \"\"")).isNull();
    }

    @Test
    void refusesNonFiniteFloatsAndDecimals() {
        assertThat(check("\"d\": \"NaN\"")).contains("`d`").contains("NaN").contains("cannot be stored");
        assertThat(check("\"f\": \"Infinity\"")).contains("`f`").contains("Infinity");
        assertThat(check("\"dec\": \"-Infinity\"")).contains("`dec`");
    }

    @Test
    void refusesOutOfRangeValues() {
        assertThat(check("\"ti\": 128")).contains("`ti`").contains("out of range");
        assertThat(check("\"tu\": -1")).contains("`tu`").contains("out of range");
        assertThat(check("\"bu\": 18446744073709551616")).contains("`bu`");
        assertThat(check("\"dec\": 10000.00")).contains("`dec`").contains("decimal(6,2)");
        assertThat(check("\"decu\": -1")).contains("`decu`").contains("unsigned");
        assertThat(check("\"f\": 1E+39")).contains("`f`");
        assertThat(check("\"vc\": \"abcd\"")).contains("`vc`").contains("4-character");
        assertThat(check("\"ch\": \"abc\"")).contains("`ch`");
        assertThat(check("\"tt\": \"" + "é".repeat(128) + "\"")).contains("`tt`").contains("256-byte");
        assertThat(check("\"vb\": \"\\\\x000102\"")).contains("`vb`").contains("3-byte");
        assertThat(check("\"b\": \"10101\"")).contains("`b`").contains("5-bit");
        assertThat(check("\"e\": \"c\"")).contains("`e`").contains("[a, b]");
        assertThat(check("\"s\": [\"x\", \"z\"]")).contains("`s`").contains("\"z\"");
        assertThat(check("\"dd\": \"infinity\"")).contains("`dd`");
        assertThat(check("\"dt\": \"-0001-01-01T00:00:00\"")).contains("`dt`");
        assertThat(check("\"ts\": \"2040-01-01T00:00:00Z\"")).contains("`ts`").contains("2038");
    }

    @Test
    void refusesWrongKindsAndNulls() {
        assertThat(check("\"ti\": \"1\"")).contains("`ti`").contains("expected an integer");
        assertThat(check("\"vc\": [1, 2]")).contains("`vc`").contains("6-character");
        assertThat(check("\"ti\": [1]")).contains("`ti`").contains("expected a scalar");
        assertThat(check("\"g\": \"POINT(1 2)\"")).contains("`g`").contains("GeoJSON");
        assertThat(check("\"nn\": null")).contains("`nn`").contains("NOT NULL");
        assertThat(check("\"vb\": \"\\\\xzz\"")).contains("`vb`").contains("hex");
        assertThat(new MySqlDialect(MySqlDialect.Flavor.MYSQL).checkRow(T, "[1]")).contains("not a JSON object");
    }
}
