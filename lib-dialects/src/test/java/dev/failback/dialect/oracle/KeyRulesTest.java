package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link KeyRules} finds for types and collations H2 cannot declare, and the stored forms it computes. */
class KeyRulesTest {

    private static List<KeyHazard> hazards(ColumnInfo... key) {
        List<String> names = Arrays.stream(key).map(ColumnInfo::name).toList();
        return new OracleDialect().keyHazards(new TableInfo(new TableName("APP", "T"), List.of(key), names, Set.of()));
    }

    private static ColumnInfo column(String name, String sqlType, String collation) {
        return new ColumnInfo(name, sqlType, OracleType.parse(sqlType).kind().label, false, false, false, collation);
    }

    private static String stored(String sqlType, String json) {
        return KeyRules.stored(OracleType.parse(sqlType), Json.elements("[" + json + "]").get(0));
    }

    @Test
    void floatTimestampZeroAndCollationsAreHazards() {
        assertThat(hazards(column("F", "FLOAT(126)", ""), column("G", "FLOAT", ""), column("T0", "TIMESTAMP(0)", ""),
                column("TL", "TIMESTAMP(2) WITH LOCAL TIME ZONE", ""), column("NC", "NCHAR(3)", ""),
                column("CB", "CHAR(2 BYTE)", ""))).extracting(KeyHazard::fix).containsExactly(
                "ALTER TABLE \"APP\".\"T\" MODIFY (\"F\" NUMBER)", "ALTER TABLE \"APP\".\"T\" MODIFY (\"G\" NUMBER)",
                "ALTER TABLE \"APP\".\"T\" MODIFY (\"T0\" TIMESTAMP(6))",
                "ALTER TABLE \"APP\".\"T\" MODIFY (\"TL\" TIMESTAMP(6) WITH LOCAL TIME ZONE)",
                "ALTER TABLE \"APP\".\"T\" MODIFY (\"NC\" NVARCHAR2(3))", "ALTER TABLE \"APP\".\"T\" MODIFY (\"CB\" VARCHAR2(2 BYTE))");
        assertThat(hazards(column("F", "FLOAT(63)", "")).get(0).folds()).contains("keeps 19 significant digits");
        assertThat(hazards(column("A", "VARCHAR2(5 CHAR)", "GENERIC_M_AI"), column("B", "VARCHAR2(5 CHAR)", "XGERMAN"),
                column("C", "VARCHAR2(5 CHAR)", "USING_NLS_SORT_CI"))).extracting(KeyHazard::folds).containsExactly(
                "collation GENERIC_M_AI ignores accents and case, so 'a', 'A' and 'á' are one key",
                "collation XGERMAN is linguistic and can compare distinct strings as equal",
                "collation USING_NLS_SORT_CI compares as the session's NLS_SORT, which can ignore case or accents");
        assertThat(hazards(column("A", "VARCHAR2(5 CHAR)", "BINARY"), column("B", "VARCHAR2(5 CHAR)", "USING_NLS_COMP"),
                column("N", "NUMBER", ""), column("T", "TIMESTAMP(6) WITH TIME ZONE", ""), column("R", "RAW(16)", "")))
                .isEmpty();
    }

    @Test
    void storedFormsAreWhatOracleStores() {
        assertThat(stored("NUMBER(6,2)", "498.765")).isEqualTo("498.77");
        assertThat(stored("NUMBER(6,2)", "-498.765")).isEqualTo("-498.77");
        assertThat(stored("NUMBER(6)", "2.5")).isEqualTo("3");
        assertThat(stored("NUMBER(6,-2)", "149.9")).isEqualTo("100");
        assertThat(stored("NUMBER", "1.50")).isEqualTo(stored("NUMBER", "1.5"));
        assertThat(stored("FLOAT(5)", "1.234")).isEqualTo("1.2").isEqualTo(stored("FLOAT(5)", "1.249"));
        assertThat(stored("BINARY_FLOAT", "1.00000001")).isEqualTo(stored("BINARY_FLOAT", "1.00000002")).isEqualTo("1.0");
        assertThat(stored("BINARY_DOUBLE", "-0.0")).isEqualTo(stored("BINARY_DOUBLE", "0"));
        assertThat(stored("BINARY_DOUBLE", "\"NaN\"")).isEqualTo("NaN");
        assertThat(stored("TIMESTAMP(0)", "\"2025-09-30T14:30:15.5\"")).isEqualTo("2025-09-30T14:30:16");
        assertThat(stored("TIMESTAMP(0)", "\"2025-09-30T14:30:15.4999\"")).isEqualTo("2025-09-30T14:30:15");
        assertThat(stored("TIMESTAMP(3) WITH TIME ZONE", "\"2025-09-30T16:30:15.1234+02:00\""))
                .isEqualTo(stored("TIMESTAMP(3) WITH TIME ZONE", "\"2025-09-30T14:30:15.123Z\""));
        assertThat(stored("DATE", "\"2025-09-30T14:30:15.999\"")).isEqualTo("2025-09-30T14:30:15");
        assertThat(stored("CHAR(5 CHAR)", "\"a  \"")).isEqualTo(stored("CHAR(5 CHAR)", "\"a\""));
        assertThat(stored("CHAR(5 CHAR)", "\" a\"")).isNotEqualTo(stored("CHAR(5 CHAR)", "\"a\""));
        assertThat(stored("VARCHAR2(5 CHAR)", "\"a \"")).isNotEqualTo(stored("VARCHAR2(5 CHAR)", "\"a\""));
        assertThat(stored("NUMBER(6,2)", "\"lots\"")).isNotEqualTo(stored("NUMBER(6,2)", "\"much\""));
    }
}
