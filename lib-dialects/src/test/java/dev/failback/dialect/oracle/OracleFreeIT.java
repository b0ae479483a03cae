package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.oracle.OracleContainer;

/**
 * The type matrix, the dictionary read and rounded keys against real Oracle (Oracle Database Free 23ai in
 * Testcontainers). Skipped, never passed or failed, when no Docker engine is available.
 */
class OracleFreeIT {
    private static OracleContainer oracle;

    /** Per test, so that every test is reported as skipped (an abort in {@code @BeforeAll} reports nothing). */
    @BeforeEach
    void requireOracle() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            Assumptions.abort("SKIPPED: no Docker engine: Oracle Free container cannot start");
        }
        if (oracle == null) {
            oracle = new OracleContainer("gvenzl/oracle-free:23-slim-faststart").withUsername("failback").withPassword("failback");
            oracle.start();
        }
    }

    @AfterAll
    static void stop() {
        if (oracle != null) {
            oracle.stop();
        }
    }

    private static OracleDb connect() throws SQLException {
        Connection c = DriverManager.getConnection(oracle.getJdbcUrl(), oracle.getUsername(), oracle.getPassword());
        c.setAutoCommit(false);
        return new OracleDb(c, "FAILBACK");
    }

    @Test
    void typeMatrixLandsExactlyWithEveryTechnique() throws SQLException {
        try (OracleDb db = connect()) {
            db.exec("DROP TABLE IF EXISTS " + db.owner + ".TYPE_MATRIX PURGE", String.format(TypeMatrix.DDL, db.owner));
            TableInfo table = db.table("TYPE_MATRIX");
            for (OracleApplyTechnique technique : OracleApplyTechnique.values()) {
                db.exec("DELETE FROM " + db.owner + ".TYPE_MATRIX");
                OracleTypeMatrixIT.run(db, table, new OracleDialect(technique));
            }
        }
    }

    @Test
    void everyColumnGoesToAndFromNullWithEveryTechnique() throws SQLException {
        try (OracleDb db = connect()) {
            // the container (and schema) is shared with typeMatrixLandsExactlyWithEveryTechnique (23ai has IF EXISTS)
            db.exec("DROP TABLE IF EXISTS " + db.owner + ".TYPE_MATRIX PURGE", String.format(TypeMatrix.DDL, db.owner));
            TableInfo table = db.table("TYPE_MATRIX");
            for (OracleApplyTechnique technique : OracleApplyTechnique.values()) {
                db.exec("DELETE FROM " + db.owner + ".TYPE_MATRIX");
                OracleTypeMatrixIT.runNulls(db, table, new OracleDialect(technique));
            }
        }
    }

    @Test
    void readsTheRealDictionary() throws SQLException {
        try (OracleDb db = connect()) {
            db.exec("CREATE TABLE PARENTS (ID NUMBER(19) PRIMARY KEY)",
                    "CREATE TABLE CHILDREN (ORDER_ID RAW(16), SEQ NUMBER(10), PARENT_ID NUMBER(19) NOT NULL REFERENCES PARENTS (ID),"
                            + " TAG VARCHAR2(10 BYTE), NAME VARCHAR2(255 CHAR) DEFAULT 'x', AT_TZ TIMESTAMP(3) WITH TIME ZONE,"
                            + " WHOLE INTEGER, DOUBLED NUMBER GENERATED ALWAYS AS (SEQ * 2) VIRTUAL, HIDDEN_ONE VARCHAR2(5) INVISIBLE,"
                            + " PRIMARY KEY (SEQ, ORDER_ID))");
            OracleDialect dialect = new OracleDialect();
            assertThat(dialect.resolveSchema(db.connection, List.of("failback"))).isEqualTo("FAILBACK");
            TableInfo children = dialect.readSchema(db.connection, "FAILBACK").table("CHILDREN");
            assertThat(children.primaryKey()).containsExactly("SEQ", "ORDER_ID");
            assertThat(children.parents()).extracting(t -> t.name()).containsExactly("PARENTS");
            assertThat(children.columns()).extracting(c -> c.name() + " " + c.sqlType()).containsExactly(
                    "ORDER_ID RAW(16)", "SEQ NUMBER(10)", "PARENT_ID NUMBER(19)", "TAG VARCHAR2(10 BYTE)",
                    "NAME VARCHAR2(255 CHAR)", "AT_TZ TIMESTAMP(3) WITH TIME ZONE", "WHOLE NUMBER(38)", "DOUBLED NUMBER");
            assertThat(children.column("NAME").hasDefault()).isTrue();
            assertThat(children.column("DOUBLED").generated()).isTrue();
        }
    }

    @Test
    void keysTheColumnsRoundAreDeletedByTheSameSourceKeyAndTheirCollisionsFound() throws SQLException {
        try (OracleDb db = connect()) {
            db.exec("CREATE TABLE ROUNDED_KEYS (PRICE NUMBER(6,2), AT TIMESTAMP(0), CODE CHAR(3 CHAR), NOTE VARCHAR2(5),"
                    + " PRIMARY KEY (PRICE, AT, CODE))");
            TableInfo table = db.table("ROUNDED_KEYS");
            String key = "[498.765, \"2025-09-30T14:30:15.5\", \"a\"]";
            String after = "{\"at\": \"2025-09-30T14:30:15.5\", \"code\": \"a\", \"note\": \"n\", \"price\": 498.765}";
            for (OracleApplyTechnique technique : OracleApplyTechnique.values()) {
                OracleDialect dialect = new OracleDialect(technique);
                db.upsert(dialect, table, db.upsert("ROUNDED_KEYS", key, after));
                assertThat(db.one("SELECT TO_CHAR(PRICE) || ' ' || TO_CHAR(AT, 'HH24:MI:SS') FROM ROUNDED_KEYS"))
                        .isEqualTo("498.77 14:30:16");
                db.delete(dialect, table, db.delete("ROUNDED_KEYS", key));
                assertThat(db.one("SELECT COUNT(*) FROM ROUNDED_KEYS")).as("%s", technique).isEqualTo("0");
            }
            assertThat(new OracleDialect().keyHazards(table)).extracting(h -> h.column()).containsExactly("PRICE", "AT", "CODE");
            assertThat(new OracleDialect().keyCollisions(db.connection, table,
                    List.of(key, "[498.774, \"2025-09-30T14:30:15.9\", \"a \"]", "[498.774, \"2025-09-30T14:30:16.5\", \"a\"]")))
                    .extracting(c -> c.merged()).containsExactly("[498.774, \"2025-09-30T14:30:15.9\", \"a \"]");
        }
    }
}
