package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys MariaDB compares differently from CockroachDB: which key columns are reported, and which keys of
 * a window the server itself would store as one row.
 */
class KeyCollisionIT {
    private MyDatabase db;
    private MySqlDialect dialect;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = MyDatabase.create();
        dialect = db.dialect(MySqlApplyTechnique.MULTI_ROW);
        db.exec("CREATE TABLE ci (code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY,"
                        + " label text)",
                "CREATE TABLE padded (code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY)",
                "CREATE TABLE exact (code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin PRIMARY KEY,"
                        + " n bigint, u binary(16))",
                "CREATE TABLE fixed (code char(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin PRIMARY KEY)",
                "CREATE TABLE prices (price decimal(6,2) PRIMARY KEY)",
                "CREATE TABLE events (at datetime(0) PRIMARY KEY)",
                "CREATE TABLE pairs (region varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,"
                        + " id bigint, PRIMARY KEY (region, id))",
                "CREATE TABLE ints (id bigint PRIMARY KEY, f float, d double)");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        db.close();
    }

    @Test
    void theDefaultCollationAndRoundingTypesAreReportedWithTheirFix() throws SQLException {
        KeyHazard ci = only(dialect.keyHazards(db.table(dialect, "ci")));
        assertThat(ci.column()).isEqualTo("code");
        assertThat(ci.folds()).contains("utf8mb4_general_ci", "'a' = 'A'", "'e' = 'é'", "'a' = 'a '");
        assertThat(ci.fix()).isEqualTo("ALTER TABLE `" + db.name + "`.`ci` MODIFY `code` varchar(20) CHARACTER SET"
                + " utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL");
        assertThat(only(dialect.keyHazards(db.table(dialect, "padded"))).folds())
                .isEqualTo("collation utf8mb4_bin compares 'a' = 'a '");
        assertThat(only(dialect.keyHazards(db.table(dialect, "fixed"))).folds()).startsWith("char(n) drops trailing spaces");
        assertThat(only(dialect.keyHazards(db.table(dialect, "prices"))).folds()).isEqualTo("rounds to 2 decimal places");
        assertThat(only(dialect.keyHazards(db.table(dialect, "events"))).fix()).contains("datetime(6)");
        assertThat(dialect.keyHazards(db.table(dialect, "pairs"))).extracting(KeyHazard::column).containsExactly("region");
        assertThat(dialect.keyHazards(db.table(dialect, "exact"))).isEmpty();
        assertThat(dialect.keyHazards(db.table(dialect, "ints"))).isEmpty();
    }

    @Test
    void keysACaseInsensitiveCollationMergesCollideWithTheFirstSeen() throws SQLException {
        TableInfo t = db.table(dialect, "ci");
        List<KeyCollision> found = dialect.keyCollisions(db.connection, t,
                List.of("[\"a\"]", "[\"b\"]", "[\"A\"]", "[\"e\"]", "[\"é\"]", "[\"a \"]", "[\"c\"]"));
        assertThat(found).extracting(KeyCollision::kept, KeyCollision::merged).containsExactlyInAnyOrder(
                tuple("[\"a\"]", "[\"A\"]"),
                tuple("[\"a\"]", "[\"a \"]"),
                tuple("[\"e\"]", "[\"é\"]"));
        assertThat(found.get(0).because()).contains("column code", "utf8mb4_general_ci");
    }

    @Test
    void distinctKeysDoNotCollide() throws SQLException {
        assertThat(dialect.keyCollisions(db.connection, db.table(dialect, "ci"),
                List.of("[\"a\"]", "[\"b\"]", "[\"ab\"]", "[\"日本\"]", "[\"日本語\"]"))).isEmpty();
        assertThat(dialect.keyCollisions(db.connection, db.table(dialect, "padded"),
                List.of("[\"a\"]", "[\"A\"]", "[\"é\"]", "[\"e\"]"))).isEmpty();
    }

    @Test
    void trailingSpacesCollideUnderPadSpaceAndInCharColumns() throws SQLException {
        assertThat(dialect.keyCollisions(db.connection, db.table(dialect, "padded"),
                List.of("[\"a\"]", "[\"a  \"]"))).extracting(KeyCollision::merged).containsExactly("[\"a  \"]");
        assertThat(dialect.keyCollisions(db.connection, db.table(dialect, "fixed"),
                List.of("[\"x \"]", "[\"x\"]", "[\"X\"]"))).extracting(KeyCollision::kept, KeyCollision::merged)
                .containsExactly(tuple("[\"x \"]", "[\"x\"]"));
    }

    @Test
    void keysTheColumnRoundsToOneValueCollide() throws SQLException {
        List<KeyCollision> found = dialect.keyCollisions(db.connection, db.table(dialect, "prices"),
                List.of("[498.765]", "[498.77]", "[498.774]", "[498.7]", "[4.321E+2]", "[432.10]"));
        assertThat(found).extracting(KeyCollision::kept, KeyCollision::merged).containsExactlyInAnyOrder(
                tuple("[498.765]", "[498.77]"),
                tuple("[498.765]", "[498.774]"),
                tuple("[4.321E+2]", "[432.10]"));
        assertThat(found.get(0).because()).contains("price decimal(6,2): rounds to 2 decimal places");
        assertThat(dialect.keyCollisions(db.connection, db.table(dialect, "events"),
                List.of("[\"2025-01-01T10:00:15.1\"]", "[\"2025-01-01T10:00:15.9\"]", "[\"2025-01-01T10:00:16\"]")))
                .extracting(KeyCollision::merged).hasSize(1);
    }

    @Test
    void onlyTheWholeKeyCollides() throws SQLException {
        List<KeyCollision> found = dialect.keyCollisions(db.connection, db.table(dialect, "pairs"),
                List.of("[\"eu\", 1]", "[\"EU\", 2]", "[\"Eu\", 1]", "[\"us\", 1]"));
        assertThat(found).extracting(KeyCollision::kept, KeyCollision::merged)
                .containsExactly(tuple("[\"eu\", 1]", "[\"Eu\", 1]"));
    }

    @Test
    void theCollidingRowsAreTheOnesTheServerMerges() throws SQLException {
        // what the check predicts is what the table does: 'a' then 'A' leave one row
        TableInfo t = db.table(dialect, "ci");
        db.upsert(dialect, t, db.upsert("ci", "[\"a\"]", "{\"code\": \"a\", \"label\": \"lower\"}"));
        db.upsert(dialect, t, db.upsert("ci", "[\"A\"]", "{\"code\": \"A\", \"label\": \"upper\"}"));
        assertThat(db.query("SELECT count(*) FROM ci")).containsExactly(List.of("1"));
        assertThat(dialect.keyCollisions(db.connection, t, List.of("[\"a\"]", "[\"A\"]"))).hasSize(1);
    }

    private static KeyHazard only(List<KeyHazard> hazards) {
        assertThat(hazards).hasSize(1);
        return hazards.get(0);
    }
}
