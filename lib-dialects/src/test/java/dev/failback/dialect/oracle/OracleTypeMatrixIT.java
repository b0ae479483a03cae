package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fixture 12 lands exactly in Oracle-typed columns (H2 in Oracle mode), with every apply technique. */
class OracleTypeMatrixIT {
    private OracleDb db;
    private TableInfo table;

    @BeforeEach
    void createTable() throws SQLException {
        db = OracleDb.h2();
        db.exec(String.format(TypeMatrix.DDL, db.owner));
        table = db.table("TYPE_MATRIX");
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void everyChangefeedTypeLandsExactly(OracleApplyTechnique technique) throws SQLException {
        run(db, table, new OracleDialect(technique));
    }

    /** Shared with {@link OracleFreeIT}: insert, assert, merge the same rows again (update path), assert. */
    static void run(OracleDb db, TableInfo table, OracleDialect dialect) throws SQLException {
        String after = TypeMatrix.fixtureAfter();
        assertThat(dialect.checkRow(table, after)).isNull();
        assertThat(dialect.checkRow(table, TypeMatrix.edgeAfter())).isNull();
        for (int round = 0; round < 2; round++) {
            db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", after), db.upsert("TYPE_MATRIX", "[2]", TypeMatrix.edgeAfter()));
            assertThat(TypeMatrix.mismatches(db, 1, TypeMatrix.fixtureExpected())).as("row 1, round %s", round).isEmpty();
            assertThat(TypeMatrix.mismatches(db, 2, TypeMatrix.edgeExpected())).as("row 2, round %s", round).isEmpty();
        }
        assertThat(db.one("SELECT COUNT(*) FROM " + db.owner + ".TYPE_MATRIX")).isEqualTo("2");
    }
}
