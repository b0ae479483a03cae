package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Mutation;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TableInfo;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Upsert and delete behaviour on MariaDB, with every apply technique. */
class ApplyIT {
    private MyDatabase db;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = MyDatabase.create();
        db.exec("CREATE TABLE employees (id bigint PRIMARY KEY, name varchar(100) NOT NULL, email varchar(100),"
                        + " department varchar(50) DEFAULT 'unassigned', salary decimal(12,2), hired_at timestamp(6) NULL,"
                        + " active tinyint(1) DEFAULT 1, manager_id bigint, FOREIGN KEY (manager_id) REFERENCES employees (id))",
                "CREATE TABLE payments (order_id binary(16) NOT NULL, seq int NOT NULL, amount decimal(10,2) NOT NULL,"
                        + " method varchar(20) NOT NULL, PRIMARY KEY (order_id, seq))");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void upsertInsertsThenUpdates(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "employees");
        db.upsert(dialect, t,
                db.upsert("employees", "[1]", "{\"active\": true, \"department\": \"eng\", \"email\": \"a@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:15Z\", \"id\": 1, \"manager_id\": null, \"name\": \"Ada\", \"salary\": 160000.00}"),
                db.upsert("employees", "[2]", "{\"active\": false, \"department\": \"ops\", \"email\": \"b@x\","
                        + " \"hired_at\": \"2025-09-30T14:30:16.5Z\", \"id\": 2, \"manager_id\": 1, \"name\": \"Bob\", \"salary\": 90000.50}"));
        db.upsert(dialect, t,
                db.upsert("employees", "[2]", "{\"active\": true, \"department\": \"eng\", \"email\": null,"
                        + " \"hired_at\": \"2025-10-01T00:00:00Z\", \"id\": 2, \"manager_id\": null, \"name\": \"Robert\", \"salary\": 95000.75}"));
        assertThat(db.query("SELECT id, name, email, department, salary, UNIX_TIMESTAMP(hired_at), active, manager_id"
                + " FROM employees ORDER BY id")).containsExactly(
                List.of("1", "Ada", "a@x", "eng", "160000.00", "1759242615.000000", "1", "null"),
                List.of("2", "Robert", "null", "eng", "95000.75", "1759276800.000000", "1", "null"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void missingColumnKeepsValueOnUpdateAndGetsDefaultOnInsert(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "employees");
        db.upsert(dialect, t, db.upsert("employees", "[1]",
                "{\"department\": \"eng\", \"id\": 1, \"name\": \"Ada\", \"salary\": 1.00}"));
        // one call, several column sets: row 1 lacks department (keeps eng), row 3 lacks it too (gets the default)
        db.upsert(dialect, t,
                db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"Ada L\"}"),
                db.upsert("employees", "[3]", "{\"id\": 3, \"name\": \"Cy\"}"),
                db.upsert("employees", "[4]", "{\"active\": false, \"id\": 4, \"name\": \"Di\", \"salary\": 2.50}"));
        assertThat(db.query("SELECT id, name, department, salary, active FROM employees ORDER BY id")).containsExactly(
                List.of("1", "Ada L", "eng", "1.00", "1"),
                List.of("3", "Cy", "unassigned", "null", "1"),
                List.of("4", "Di", "unassigned", "2.50", "0"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void onlyKeyColumnsInsertOrKeep(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        db.exec("CREATE TABLE tags (a varchar(10), b int, PRIMARY KEY (a, b))");
        TableInfo t = db.table(dialect, "tags");
        db.upsert(dialect, t, db.upsert("tags", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"));
        db.upsert(dialect, t, db.upsert("tags", "[\"x\", 1]", "{\"a\": \"x\", \"b\": 1}"),
                db.upsert("tags", "[\"y\", 2]", "{\"a\": \"y\", \"b\": 2}"));
        assertThat(db.query("SELECT a, b FROM tags ORDER BY a")).containsExactly(List.of("x", "1"), List.of("y", "2"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void generatedColumnsAreIgnored(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        db.exec("CREATE TABLE order_lines (id bigint PRIMARY KEY, qty int, price decimal(8,2),"
                + " total decimal(10,2) AS (qty * price) STORED, doubled int AS (qty * 2) VIRTUAL, note text)");
        TableInfo t = db.table(dialect, "order_lines");
        db.upsert(dialect, t, db.upsert("order_lines", "[5]",
                "{\"doubled\": 1, \"id\": 5, \"note\": \"n\", \"price\": 2.50, \"qty\": 3, \"total\": 999}"));
        db.upsert(dialect, t, db.upsert("order_lines", "[5]",
                "{\"doubled\": 1, \"id\": 5, \"note\": \"m\", \"price\": 2.50, \"qty\": 4, \"total\": 999}"));
        assertThat(db.query("SELECT id, qty, total, doubled, note FROM order_lines"))
                .containsExactly(List.of("5", "4", "10.00", "8", "m"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void compositeKeysWithBinaryUuidUpsertAndDelete(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "payments");
        String a = "3f2b8c1e-0000-4000-8000-000000000001";
        String b = "3f2b8c1e-0000-4000-8000-000000000002";
        db.upsert(dialect, t,
                db.upsert("payments", "[\"" + a + "\", 1]", "{\"amount\": 10.00, \"method\": \"card\", \"order_id\": \"" + a + "\", \"seq\": 1}"),
                db.upsert("payments", "[\"" + a + "\", 2]", "{\"amount\": 20.00, \"method\": \"cash\", \"order_id\": \"" + a + "\", \"seq\": 2}"),
                db.upsert("payments", "[\"" + b + "\", 1]", "{\"amount\": 30.00, \"method\": \"card\", \"order_id\": \"" + b + "\", \"seq\": 1}"));
        db.upsert(dialect, t,
                db.upsert("payments", "[\"" + a + "\", 1]", "{\"amount\": 11.00, \"method\": \"card\", \"order_id\": \"" + a + "\", \"seq\": 1}"));
        db.delete(dialect, t,
                db.delete("payments", "[\"" + a + "\", 2]"),
                db.delete("payments", "[\"" + b + "\", 1]"),
                db.delete("payments", "[\"" + b + "\", 99]"));
        assertThat(db.query("SELECT LOWER(HEX(order_id)), seq, amount FROM payments"))
                .containsExactly(List.of(a.replace("-", ""), "1", "11.00"));
        // deleting rows that are gone is fine
        db.delete(dialect, t, db.delete("payments", "[\"" + b + "\", 1]"));
        assertThat(db.one("SELECT count(*) FROM payments")).isEqualTo("1");
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void aKeyTheColumnRoundsIsDeletedByTheSameSourceKey(MySqlApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE prices (val decimal(6,2) PRIMARY KEY, note varchar(10))");
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "prices");
        db.upsert(dialect, t,
                db.upsert("prices", "[498.765]", "{\"val\": 498.765, \"note\": \"number\"}"),
                db.upsert("prices", "[\"12.005\"]", "{\"val\": \"12.005\", \"note\": \"string\"}"),
                db.upsert("prices", "[-1.115]", "{\"val\": -1.115, \"note\": \"negative\"}"),
                db.upsert("prices", "[9999.99]", "{\"val\": 9999.99, \"note\": \"largest\"}"));
        assertThat(db.query("SELECT val, note FROM prices ORDER BY val")).containsExactly(List.of("-1.12", "negative"),
                List.of("12.01", "string"), List.of("498.77", "number"), List.of("9999.99", "largest"));
        // the same source keys delete the rows their upserts wrote (the column rounds half away from zero)
        db.delete(dialect, t, db.delete("prices", "[498.765]"), db.delete("prices", "[\"12.005\"]"),
                db.delete("prices", "[-1.115]"));
        // a key beyond the column's range matches nothing (it is not clamped onto the largest value)
        db.delete(dialect, t, db.delete("prices", "[12345.678]"));
        assertThat(db.query("SELECT val FROM prices")).containsExactly(List.of("9999.99"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void aKeyMorePreciseThanItsTemporalOrFloatColumnIsDeletedByTheSameSourceKey(MySqlApplyTechnique technique)
            throws SQLException {
        db.exec("CREATE TABLE moments (at datetime(0), t time(0), f float, note varchar(10), PRIMARY KEY (at, t, f))");
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "moments");
        db.upsert(dialect, t,
                db.upsert("moments", "[\"2025-09-30T14:30:15.9\", \"14:30:15.9\", 1.1]",
                        "{\"at\": \"2025-09-30T14:30:15.9\", \"t\": \"14:30:15.9\", \"f\": 1.1, \"note\": \"a\"}"),
                db.upsert("moments", "[\"2025-09-30T14:30:17Z\", \"00:00:00\", 4.321E+10]",
                        "{\"at\": \"2025-09-30T14:30:17Z\", \"t\": \"00:00:00\", \"f\": 4.321E+10, \"note\": \"b\"}"));
        assertThat(db.one("SELECT count(*) FROM moments")).isEqualTo("2");
        // the same source keys delete the rows their upserts wrote (the columns dropped fraction and precision)
        db.delete(dialect, t, db.delete("moments", "[\"2025-09-30T14:30:15.9\", \"14:30:15.9\", 1.1]"),
                db.delete("moments", "[\"2025-09-30T14:30:17Z\", \"00:00:00\", 4.321E+10]"));
        assertThat(db.one("SELECT count(*) FROM moments")).isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void manyRowsSpanSeveralStatements(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = new MySqlDialect(db.dialect(technique).flavor(), technique,
                db.dialect(technique).flavor() == MySqlDialect.Flavor.MARIADB ? Writer.OdkuForm.VALUES_FUNCTION
                        : Writer.OdkuForm.ALIAS, new Writer.Limits(7, 1_000));
        TableInfo t = db.table(dialect, "employees");
        List<Mutation> rows = new ArrayList<>();
        List<Mutation> deletes = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            rows.add(db.upsert("employees", "[" + i + "]", "{\"id\": " + i + ", \"name\": \"n" + i + "\"}"));
            if (i % 2 == 0) {
                deletes.add(db.delete("employees", "[" + i + "]"));
            }
        }
        db.inTransaction(() -> dialect.upsert(db.connection, t, rows));
        db.inTransaction(() -> dialect.delete(db.connection, t, deletes));
        assertThat(db.query("SELECT count(*), sum(id) FROM employees")).containsExactly(List.of("50", "2500"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void deleteRejectsKeysOfTheWrongArity(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "payments");
        assertThatThrownBy(() -> db.delete(dialect, t, db.delete("payments", "[\"3f2b8c1e-0000-4000-8000-000000000001\"]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payments");
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void upsertRejectsUnknownColumns(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        TableInfo t = db.table(dialect, "employees");
        assertThatThrownBy(() -> db.upsert(dialect, t, db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"A\", \"nope\": 1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("employees").hasMessageContaining("nope");
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void awkwardTextAndIdentifiersSurvive(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        db.exec("CREATE TABLE `Odd ``Table`` \"q\"` (`Id` int PRIMARY KEY, `we``ird` text, `MixedCase` text, `lower` text)");
        TableInfo t = db.table(dialect, "Odd `Table` \"q\"");
        String text = "q'uote \"dq\" \\ back\nnew line\ttab 世界 😀 \u0001 \u0000 end";
        String json = Json.quote(text);
        db.upsert(dialect, t, db.upsert("Odd `Table` \"q\"", "[1]",
                "{\"Id\": 1, \"LOWER\": \"lo\", \"mixedcase\": " + json + ", \"we`ird\": " + json + "}"));
        assertThat(db.query("SELECT HEX(`we``ird`), HEX(`MixedCase`), `lower` FROM `Odd ``Table`` \"q\"`"))
                .containsExactly(List.of(TypeZoo.hex(text), TypeZoo.hex(text), "lo"));
    }

    /**
     * A row whose unique email collides with another row's never overwrites that row: plain ON
     * DUPLICATE KEY UPDATE would update row 1 with row 2's values.
     */
    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void secondaryUniqueKeyCollisionFailsLoudlyAndOverwritesNothing(MySqlApplyTechnique technique) throws SQLException {
        MySqlDialect dialect = db.dialect(technique);
        db.exec("CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL UNIQUE, name varchar(50))");
        TableInfo t = db.table(dialect, "users");
        db.upsert(dialect, t, db.upsert("users", "[1]", "{\"email\": \"a@x\", \"id\": 1, \"name\": \"Ada\"}"),
                db.upsert("users", "[3]", "{\"email\": \"c@x\", \"id\": 3, \"name\": \"Cy\"}"));

        // a new key taking row 1's email
        assertThatThrownBy(() -> db.upsert(dialect, t,
                db.upsert("users", "[2]", "{\"email\": \"a@x\", \"id\": 2, \"name\": \"Eve\"}")))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1062);
                    assertThat(dialect.classify(e)).isEqualTo(ErrorKind.CONSTRAINT);
                    assertThat(e.getMessage()).contains("users").contains("[2]");
                });
        // an existing key (3) taking row 1's email: the server's own duplicate-key error
        assertThatThrownBy(() -> db.upsert(dialect, t,
                db.upsert("users", "[3]", "{\"email\": \"a@x\", \"id\": 3, \"name\": \"Cy2\"}")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(dialect.classify(e)).isEqualTo(ErrorKind.CONSTRAINT));
        // only the key columns: the same
        assertThatThrownBy(() -> db.upsert(dialect, t, db.upsert("users", "[4]", "{\"email\": \"c@x\", \"id\": 4}")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
        assertThat(db.query("SELECT id, email, name FROM users ORDER BY id"))
                .containsExactly(List.of("1", "a@x", "Ada"), List.of("3", "c@x", "Cy"));

        // ordinary upserts of such a table still work, including moving an email that was freed
        db.upsert(dialect, t, db.upsert("users", "[1]", "{\"email\": \"z@x\", \"id\": 1, \"name\": \"Ada\"}"),
                db.upsert("users", "[2]", "{\"email\": \"a@x\", \"id\": 2, \"name\": \"Eve\"}"),
                db.upsert("users", "[3]", "{\"email\": \"c@x\", \"id\": 3, \"name\": \"Cy3\"}"));
        assertThat(db.query("SELECT id, email, name FROM users ORDER BY id")).containsExactly(
                List.of("1", "z@x", "Ada"), List.of("2", "a@x", "Eve"), List.of("3", "c@x", "Cy3"));
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void tablesNotReadByTheDialectAreGuarded(MySqlApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) UNIQUE)");
        TableInfo t = db.table(db.dialect(technique), "users");
        MySqlDialect fresh = db.dialect(technique);
        db.upsert(fresh, t, db.upsert("users", "[1]", "{\"email\": \"a@x\", \"id\": 1}"));
        assertThatThrownBy(() -> db.upsert(fresh, t, db.upsert("users", "[2]", "{\"email\": \"a@x\", \"id\": 2}")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1062));
        assertThat(db.query("SELECT id, email FROM users")).containsExactly(List.of("1", "a@x"));
    }

    @Test
    void batchRewriteSendsOneStatementPerBatchAndRestoresTheSetting() throws SQLException {
        MySqlDialect dialect = db.dialect(MySqlApplyTechnique.BATCH_REWRITE);
        TableInfo t = db.table(dialect, "employees");
        List<Mutation> rows = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            rows.add(db.upsert("employees", "[" + i + "]", "{\"id\": " + i + ", \"name\": \"n" + i + "\"}"));
        }
        assertThat(ConnectorJ.rewritesBatches(db.connection)).isFalse();
        long before = Long.parseLong(db.query("SHOW SESSION STATUS LIKE 'Com_insert'").get(0).get(1));
        db.inTransaction(() -> dialect.upsert(db.connection, t, rows));
        long after = Long.parseLong(db.query("SHOW SESSION STATUS LIKE 'Com_insert'").get(0).get(1));
        assertThat(after - before).isEqualTo(1);
        assertThat(ConnectorJ.rewritesBatches(db.connection)).isFalse();
        assertThat(db.one("SELECT count(*) FROM employees")).isEqualTo("200");
    }

    /** Two connections lock two rows in opposite order: the server picks a victim with error 1213. */
    @Test
    void aRealDeadlockIsTransient() throws Exception {
        MySqlDialect dialect = db.dialect(MySqlDialect.DEFAULT_TECHNIQUE);
        TableInfo t = db.table(dialect, "employees");
        db.upsert(dialect, t, db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"a\"}"),
                db.upsert("employees", "[2]", "{\"id\": 2, \"name\": \"b\"}"));
        try (Connection other = TestDatabases.mysql()) {
            other.setAutoCommit(false);
            db.connection.setAutoCommit(false);
            try {
                db.exec("SET SESSION innodb_lock_wait_timeout = 20");
                dialect.upsert(db.connection, t, List.of(db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"a1\"}")));
                dialect.upsert(other, t, List.of(db.upsert("employees", "[2]", "{\"id\": 2, \"name\": \"b2\"}")));
                java.util.concurrent.CompletableFuture<SQLException> blocked = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        dialect.upsert(other, t, List.of(db.upsert("employees", "[1]", "{\"id\": 1, \"name\": \"a2\"}")));
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                Thread.sleep(300);
                SQLException mine = null;
                try {
                    dialect.upsert(db.connection, t, List.of(db.upsert("employees", "[2]", "{\"id\": 2, \"name\": \"b1\"}")));
                } catch (SQLException e) {
                    mine = e;
                }
                SQLException theirs = blocked.get(30, java.util.concurrent.TimeUnit.SECONDS);
                SQLException victim = mine != null ? mine : theirs;
                assertThat(victim != null).as("one side is the deadlock victim").isTrue();
                assertThat(victim.getErrorCode()).isEqualTo(1213);
                assertThat(dialect.classify(victim)).isEqualTo(ErrorKind.TRANSIENT);
            } finally {
                other.rollback();
                db.connection.rollback();
                db.connection.setAutoCommit(true);
            }
        }
    }
}
