package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fixture 12 (every column type a changefeed emits) lands exactly in MariaDB, with every apply technique. */
class TypeZooIT {
    private MyDatabase db;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = MyDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void everyColumnTypeLandsExactly(MySqlApplyTechnique technique) throws Exception {
        TypeZoo.run(db, technique);
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void everyColumnGoesToAndFromNull(MySqlApplyTechnique technique) throws Exception {
        TypeZoo.runNulls(db, technique);
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void edgeValuesLand(MySqlApplyTechnique technique) throws Exception {
        MySqlDialect dialect = db.dialect(technique);
        db.exec("CREATE TABLE edge (id bigint unsigned PRIMARY KEY, u char(36), t time(6), ts datetime(6),"
                + " flag bit(1), small decimal(6,4), d double, big bigint unsigned, s set('a','b','c'), j json, txt text)");
        TableInfo t = db.table(dialect, "edge");
        String after = "{\"big\": 18446744073709551615, \"d\": -0, \"flag\": true, \"id\": 18446744073709551615,"
                + " \"j\": \"just a string\", \"s\": [\"c\", \"a\"], \"small\": -0.5E-3,"
                + " \"t\": \"14:30:15.123456+05:30\", \"ts\": \"2025-09-30T23:30:15.5+02:00\", \"txt\": {\"k\": [1, 2.50]},"
                + " \"u\": \"6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f\"}";
        assertThat(dialect.checkRow(t, after)).isNull();
        db.upsert(dialect, t, db.upsert("edge", "[18446744073709551615]", after));
        assertThat(db.query("SELECT id, big, d = 0, flag + 0, small, s, t, ts, u, j, txt FROM edge")).containsExactly(java.util.List.of(
                "18446744073709551615", "18446744073709551615", "1", "1", "-0.0005", "a,c", "14:30:15.123456",
                "2025-09-30 21:30:15.500000", "6f1d7c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f",
                "\"just a string\"",
                "{\"k\": [1, 2.50]}"));
        db.delete(dialect, t, db.delete("edge", "[18446744073709551615]"));
        assertThat(db.one("SELECT count(*) FROM edge")).isEqualTo("0");
    }
}
