package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.dialect.NullRows;
import dev.failback.dialect.internal.Json;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @ParameterizedTest
    @EnumSource(OracleApplyTechnique.class)
    void everyColumnGoesToAndFromNull(OracleApplyTechnique technique) throws SQLException {
        runNulls(db, table, new OracleDialect(technique));
    }

    /**
     * Shared with {@link OracleFreeIT}: every nullable column (from the catalog) goes NULL, then to the
     * matrix's value, then back to NULL: the all-null row as CockroachDB sends it inserted, the fixture
     * (with row 2's E_ values and values for its two null columns, so that every column changes) merged
     * over it, the all-null row again (an update of every typed column to NULL); then both rows in one
     * call, in either order.
     */
    static void runNulls(OracleDb db, TableInfo table, OracleDialect dialect) throws SQLException {
        List<String> columns = NullRows.nullableColumns(table);
        assertThat(columns).as("every matrix column is nullable").hasSize(table.columns().size() - 1);
        String nulls1 = NullRows.allNull(table, Map.of("id", "1"));
        String nulls2 = NullRows.allNull(table, Map.of("id", "2"));
        assertThat(nulls1).contains("\"c_geometry\": null").contains("\"e_long_bytes\": null");
        assertThat(dialect.checkRow(table, nulls1)).isNull();
        String full1 = fullAfter(1);
        String full2 = fullAfter(2);
        assertThat(dialect.checkRow(table, full1)).isNull();
        Map<String, Object> full = fullExpected();
        assertThat(full).as("every column has a value").hasSize(columns.size());

        db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", nulls1));
        assertAllNull(db, 1, columns, "insert");
        db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", full1));
        assertThat(TypeMatrix.mismatches(db, 1, full)).as("row 1, every value").isEmpty();
        db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", nulls1));
        assertAllNull(db, 1, columns, "update to NULL");

        // one call with a NULL and a value in every column, either way round
        db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", full1), db.upsert("TYPE_MATRIX", "[2]", nulls2));
        assertThat(TypeMatrix.mismatches(db, 1, full)).as("batch, row 1, every value").isEmpty();
        assertAllNull(db, 2, columns, "batch, insert");
        db.upsert(dialect, table, db.upsert("TYPE_MATRIX", "[1]", nulls1), db.upsert("TYPE_MATRIX", "[2]", full2));
        assertAllNull(db, 1, columns, "batch, update to NULL");
        assertThat(TypeMatrix.mismatches(db, 2, full)).as("batch, row 2, every value").isEmpty();
        assertThat(db.one("SELECT COUNT(*) FROM " + db.owner + ".TYPE_MATRIX")).isEqualTo("2");
    }

    /** The fixture, row 2's E_ columns, and values for the fixture's two null columns. */
    static String fullAfter(int id) {
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Json.Value> e : Json.fields(TypeMatrix.edgeAfter()).entrySet()) {
            if (e.getKey().startsWith("e_")) {
                extra.put(e.getKey(), e.getValue().json());
            }
        }
        extra.put("id", String.valueOf(id));
        extra.put("c_null", "\"x\"");
        extra.put("c_jsonb_null", "{\"k\": null}");
        return NullRows.with(TypeMatrix.fixtureAfter(), extra);
    }

    static Map<String, Object> fullExpected() {
        Map<String, Object> e = TypeMatrix.fixtureExpected();
        TypeMatrix.edgeExpected().forEach((column, value) -> {
            if (column.startsWith("E_")) {
                e.put(column, value);
            }
        });
        e.put("C_NULL", "x");
        e.put("C_JSONB_NULL", "{\"k\": null}");
        return e;
    }

    private static void assertAllNull(OracleDb db, int id, List<String> columns, String step) throws SQLException {
        List<String> notNull = NullRows.notNull(db.connection, db.owner + ".TYPE_MATRIX", "ID = " + id, columns);
        db.connection.commit();
        assertThat(notNull).as("%s: row %s", step, id).isEmpty();
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
