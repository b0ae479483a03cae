package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ErrorKind;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Error classification by MySQL error number, flavor detection and statement text. */
class MySqlDialectTest {
    private final MySqlDialect dialect = new MySqlDialect(MySqlDialect.Flavor.MARIADB);

    @ParameterizedTest
    @CsvSource({
        "1213, 40001, TRANSIENT", "1205, HY000, TRANSIENT", "2006, 08S01, TRANSIENT", "2013, HY000, TRANSIENT",
        "1040, 08004, TRANSIENT", "1047, 08S01, TRANSIENT", "1053, 08S01, TRANSIENT", "1077, HY000, TRANSIENT",
        "1078, HY000, TRANSIENT", "1079, HY000, TRANSIENT", "1080, 08S01, TRANSIENT", "4031, HY000, TRANSIENT",
        "0, 08001, TRANSIENT", "0, 40001, TRANSIENT",
        "1451, 23000, CONSTRAINT", "1452, 23000, CONSTRAINT", "1062, 23000, CONSTRAINT", "1048, 23000, CONSTRAINT",
        "4025, 23000, CONSTRAINT",
        "1264, 22003, BAD_DATA", "1265, 01000, BAD_DATA", "1366, HY000, BAD_DATA", "1406, 22001, BAD_DATA",
        "1292, 22007, BAD_DATA", "3140, 22032, BAD_DATA",
        "1146, 42S02, CONFIGURATION", "1142, 42000, CONFIGURATION", "1064, 42000, CONFIGURATION",
        "1045, 28000, CONFIGURATION", "1049, 42000, CONFIGURATION", "0, 3D000, CONFIGURATION",
        "0, HY000, FATAL", "1105, HY000, FATAL"})
    void classifiesByErrorNumber(int code, String state, ErrorKind kind) {
        assertThat(dialect.classify(new SQLException("x", state, code))).isEqualTo(kind);
    }

    @Test
    void classifiesWrappedErrorsAndLostConnections() {
        SQLException annotated = new SQLException("upserting 3 rows into t: deadlock", "40001", 1213,
                new SQLTransactionRollbackException("Deadlock found", "40001", 1213));
        assertThat(dialect.classify(annotated)).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("Communications link failure", null, 0,
                new java.io.EOFException()))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new java.sql.SQLNonTransientConnectionException("closed"))).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void detectsTheFlavorAndUpsertForm() {
        assertThat(MySqlDialect.Flavor.of("5.5.5-10.11.19-MariaDB-0+deb12u1")).isEqualTo(MySqlDialect.Flavor.MARIADB);
        assertThat(MySqlDialect.Flavor.of("8.0.36")).isEqualTo(MySqlDialect.Flavor.MYSQL);
        assertThat(MySqlDialect.forServer("MySQL 8.4.2", MySqlApplyTechnique.MULTI_ROW).name()).isEqualTo("mysql");
        assertThat(MySqlDialect.forServer("MySQL 5.5.5-10.11.19-MariaDB", MySqlApplyTechnique.MULTI_ROW).name())
                .isEqualTo("mariadb");
    }

    @Test
    void upsertTextUsesTheAliasOnMySqlAndValuesOnMariaDb() {
        dev.failback.spi.TableInfo t = new dev.failback.spi.TableInfo(new dev.failback.TableName("db", "t"), java.util.List.of(
                new dev.failback.spi.ColumnInfo("id", "bigint", "", false, false, false),
                new dev.failback.spi.ColumnInfo("v", "text", "", true, false, false),
                new dev.failback.spi.ColumnInfo("g", "point", "geometry", true, false, false)), java.util.List.of("id"),
                java.util.Set.of());
        Shape shape = Shape.of(t, java.util.List.of("g", "id", "v"));
        Writer.Statement my = new Writer.Statement(t, shape, Shape.keyColumns(t), Writer.OdkuForm.ALIAS, true, false);
        assertThat(my.head + my.row + my.tail).isEqualTo("INSERT INTO `db`.`t` (`g`, `id`, `v`) VALUES"
                + " (ST_GeomFromGeoJSON(?, 1, 0), ?, ?) AS failback_new ON DUPLICATE KEY UPDATE"
                + " `g` = failback_new.`g`, `v` = failback_new.`v`");
        Writer.Statement maria = new Writer.Statement(t, shape, Shape.keyColumns(t), Writer.OdkuForm.VALUES_FUNCTION,
                false, true);
        assertThat(maria.tail).isEqualTo(" ON DUPLICATE KEY UPDATE `g` = IF(`id` <=> VALUES(`id`), VALUES(`g`), `g`),"
                + " `v` = IF(`id` <=> VALUES(`id`), VALUES(`v`), `v`)");
    }

    @Test
    void convertsTimeStampsToUtcText() {
        assertThat(Values.dateTime("2025-09-30T14:30:15.123456Z")).isEqualTo("2025-09-30 14:30:15.123456");
        assertThat(Values.dateTime("2025-09-30T14:30:15Z")).isEqualTo("2025-09-30 14:30:15");
        assertThat(Values.dateTime("2025-09-30T01:30:15+02:00")).isEqualTo("2025-09-29 23:30:15");
        assertThat(Values.dateTime("2025-09-30T14:30:15.5")).isEqualTo("2025-09-30 14:30:15.5");
        assertThat(Values.dateTime("2025-09-30")).isEqualTo("2025-09-30");
        assertThat(Values.time("14:30:15.123456+02")).isEqualTo("14:30:15.123456");
        assertThat(Values.time("-01:30:00")).isEqualTo("-01:30:00");
    }
}
