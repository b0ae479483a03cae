package dev.failback.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.failback.TableName;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys PostgreSQL compares differently from CockroachDB (#15): a delete addresses the row the upsert of the
 * same source key wrote, key columns that can merge keys are reported with their fix, and the source keys
 * one window would merge are found as the server compares them.
 */
class KeyCollisionIT {
    private PgSchema db;

    @BeforeEach
    void createSchema() throws SQLException {
        db = PgSchema.create();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        db.close();
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void aCharacterKeyWithTrailingSpacesIsDeletedByTheSameSourceKey(ApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE codes (code character(5) PRIMARY KEY, label text)");
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = dialect.readSchema(db.connection, db.name).table("codes");
        db.upsert(dialect, t, db.upsert("codes", "[\"a  \"]", "{\"code\": \"a  \", \"label\": \"x\"}"),
                db.upsert("codes", "[\"b\"]", "{\"code\": \"b\", \"label\": \"y\"}"));
        db.delete(dialect, t, db.delete("codes", "[\"a  \"]"));
        assertThat(db.query("SELECT code, label FROM codes")).containsExactly(List.of("b    ", "y"));
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void aNumericKeyTheColumnRoundsIsDeletedByTheSameSourceKey(ApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE prices (price numeric(6,2) PRIMARY KEY, label text)");
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = dialect.readSchema(db.connection, db.name).table("prices");
        db.upsert(dialect, t, db.upsert("prices", "[498.765]", "{\"label\": \"x\", \"price\": 498.765}"),
                db.upsert("prices", "[1.5]", "{\"label\": \"y\", \"price\": 1.5}"));
        assertThat(db.query("SELECT price::text FROM prices ORDER BY price")).containsExactly(List.of("1.50"),
                List.of("498.77"));
        db.delete(dialect, t, db.delete("prices", "[498.765]"));
        assertThat(db.query("SELECT price::text FROM prices")).containsExactly(List.of("1.50"));
    }

    @ParameterizedTest
    @EnumSource(ApplyTechnique.class)
    void aTimestampKeyTheColumnRoundsIsDeletedByTheSameSourceKey(ApplyTechnique technique) throws SQLException {
        db.exec("CREATE TABLE ticks (at timestamp(0) PRIMARY KEY, label text)");
        PostgresDialect dialect = new PostgresDialect(technique);
        TableInfo t = dialect.readSchema(db.connection, db.name).table("ticks");
        db.upsert(dialect, t,
                db.upsert("ticks", "[\"2025-09-30T14:30:15.723456\"]", "{\"at\": \"2025-09-30T14:30:15.723456\", \"label\": \"x\"}"),
                db.upsert("ticks", "[\"2025-09-30T14:30:18\"]", "{\"at\": \"2025-09-30T14:30:18\", \"label\": \"y\"}"));
        assertThat(db.query("SELECT at::text FROM ticks ORDER BY at")).containsExactly(List.of("2025-09-30 14:30:16"),
                List.of("2025-09-30 14:30:18"));
        db.delete(dialect, t, db.delete("ticks", "[\"2025-09-30T14:30:15.723456\"]"));
        assertThat(db.query("SELECT at::text FROM ticks")).containsExactly(List.of("2025-09-30 14:30:18"));
    }

    @Test
    void schemaReaderReportsEachColumnsCollation() throws SQLException {
        assumeIcu();
        db.exec("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TABLE coll (id int PRIMARY KEY, plain text, c text COLLATE \"C\", v varchar(4) COLLATE ci, n numeric)");
        TableInfo t = new PostgresDialect().readSchema(db.connection, db.name).table("coll");
        assertThat(t.columns()).extracting(c -> c.name() + "=" + c.collation())
                .containsExactly("id=", "plain=default", "c=C", "v=ci", "n=");
    }

    @Test
    void keyHazardsNameEveryColumnThatCanMergeKeysWithItsFix() throws SQLException {
        assumeIcu();
        db.exec("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TABLE risky (code character(5), name text COLLATE ci, price numeric(6,2), at timestamp(0),"
                        + " atz timestamptz(3), t time(2), ttz timetz(0), r real, ok text, n numeric, ts6 timestamp,"
                        + " PRIMARY KEY (code, name, price, at, atz, t, ttz, r, ok, n, ts6))");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("risky");
        List<KeyHazard> hazards = dialect.keyHazards(t);
        String table = "\"" + db.name + "\".\"risky\"";
        assertThat(hazards).extracting(KeyHazard::column)
                .containsExactly("code", "name", "price", "at", "atz", "t", "ttz", "r");
        assertThat(hazards).allSatisfy(h -> assertThat(h.table()).isEqualTo(new TableName(db.name, "risky")));
        assertThat(hazards.get(0).sqlType()).isEqualTo("character(5)");
        assertThat(hazards.get(0).folds()).contains("trailing spaces");
        assertThat(hazards.get(0).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"code\" TYPE varchar(5)");
        assertThat(hazards.get(1).folds()).contains("nondeterministic collation \"ci\"");
        assertThat(hazards.get(1).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"name\" TYPE text COLLATE \"C\"");
        assertThat(hazards.get(2).folds()).contains("rounds to 2 decimal places");
        assertThat(hazards.get(2).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"price\" TYPE numeric");
        assertThat(hazards.get(3).folds()).contains("0 fractional digits");
        assertThat(hazards.get(3).fix())
                .isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"at\" TYPE timestamp(6) without time zone");
        assertThat(hazards.get(4).fix())
                .isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"atz\" TYPE timestamp(6) with time zone");
        assertThat(hazards.get(5).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"t\" TYPE time(6) without time zone");
        assertThat(hazards.get(6).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"ttz\" TYPE time(6) with time zone");
        assertThat(hazards.get(7).folds()).contains("single precision");
        assertThat(hazards.get(7).fix()).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN \"r\" TYPE double precision");
        for (KeyHazard h : hazards) {
            assertThat(h.describe()).contains(db.name + ".risky").contains(h.column());
            db.exec(h.fix());
        }
        assertThat(dialect.keyHazards(dialect.readSchema(db.connection, db.name).table("risky"))).isEmpty();
    }

    @Test
    void keysTheTargetComparesAsWrittenHaveNoHazards() throws SQLException {
        db.exec("CREATE TABLE fine (id int, name text, v varchar(9), u uuid, b bigint, n numeric, ts timestamptz,"
                + " PRIMARY KEY (id, name, v, u, b, n, ts))");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("fine");
        assertThat(dialect.keyHazards(t)).isEmpty();
    }

    @Test
    void keyCollisionsFindCaseVariantsUnderACaseInsensitiveCollation() throws SQLException {
        assumeIcu();
        db.exec("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TABLE people (name text COLLATE ci PRIMARY KEY)");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("people");
        assertThat(collisions(dialect, t, "[\"a\"]", "[\"b\"]", "[\"A\"]", "[\"B\"]", "[\"c\"]")).containsExactly(
                new KeyCollision("[\"a\"]", "[\"A\"]", "collation \"ci\" of column name compares them as equal"),
                new KeyCollision("[\"b\"]", "[\"B\"]", "collation \"ci\" of column name compares them as equal"));
        // the server would indeed store them as one row
        db.exec("INSERT INTO people VALUES ('a')");
        assertThat(db.one("SELECT count(*) FROM people WHERE name = 'A'")).isEqualTo("1");
    }

    @Test
    void citextKeysAreAHazardAndCollideIgnoringCase() throws SQLException {
        db.exec("CREATE EXTENSION IF NOT EXISTS citext SCHEMA " + db.name);
        String schema = db.one("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'citext'");
        db.exec("CREATE TABLE tags (tag " + schema + ".citext PRIMARY KEY)");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("tags");
        assertThat(dialect.keyHazards(t)).singleElement().satisfies(h -> {
            assertThat(h.folds()).contains("case-insensitively");
            assertThat(h.fix()).endsWith("ALTER COLUMN \"tag\" TYPE text");
        });
        assertThat(collisions(dialect, t, "[\"Go\"]", "[\"go\"]", "[\"GO \"]")).containsExactly(new KeyCollision(
                "[\"Go\"]", "[\"go\"]", "column tag " + t.column("tag").sqlType() + " compares them as equal"));
    }

    @Test
    void keyCollisionsFindNumbersTheScaleRoundsToOneValue() throws SQLException {
        db.exec("CREATE TABLE prices (price numeric(6,2) PRIMARY KEY)");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("prices");
        assertThat(collisions(dialect, t, "[498.765]", "[498.77]", "[498.774]", "[1]")).containsExactly(
                new KeyCollision("[498.765]", "[498.77]", "column price numeric(6,2) stores both as 498.77"),
                new KeyCollision("[498.765]", "[498.774]", "column price numeric(6,2) stores both as 498.77"));
    }

    @Test
    void keyCollisionsFindCharacterKeysThatDifferInTrailingSpaces() throws SQLException {
        db.exec("CREATE TABLE codes (code character(5) PRIMARY KEY)");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("codes");
        assertThat(collisions(dialect, t, "[\"a\"]", "[\"a  \"]", "[\" a\"]")).containsExactly(
                new KeyCollision("[\"a\"]", "[\"a  \"]", "column code character(5) ignores trailing spaces"));
    }

    @Test
    void keyCollisionsOfACompositeKeyNeedEveryColumnToMerge() throws SQLException {
        db.exec("CREATE TABLE lines (code character(3), at timestamp(0), seq int, PRIMARY KEY (code, at, seq))");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("lines");
        assertThat(collisions(dialect, t,
                "[\"x\", \"2025-01-01T00:00:00.2\", 1]",
                "[\"x \", \"2025-01-01T00:00:01\", 1]", // the code merges, the time does not
                "[\"y\", \"2025-01-01T00:00:00.1\", 1]", // the time merges, the code does not
                "[\"x\", \"2025-01-01T00:00:00.1\", 2]", // the sequence differs
                "[\"x \", \"2025-01-01T00:00:00.3\", 1]")) // both merge with the first key
                .containsExactly(new KeyCollision("[\"x\", \"2025-01-01T00:00:00.2\", 1]",
                        "[\"x \", \"2025-01-01T00:00:00.3\", 1]", "column code character(3) ignores trailing spaces;"
                                + " column at timestamp(0) without time zone stores both as 2025-01-01 00:00:00"));
    }

    @Test
    void distinctKeysDoNotCollide() throws SQLException {
        db.exec("CREATE TABLE mixed (code character(5), price numeric(6,2), PRIMARY KEY (code, price))");
        PostgresDialect dialect = new PostgresDialect();
        TableInfo t = dialect.readSchema(db.connection, db.name).table("mixed");
        assertThat(collisions(dialect, t, "[\"a\", 1.00]", "[\"b\", 1.00]", "[\"a\", 1.01]", "[\"A\", 1]")).isEmpty();
        assertThat(collisions(dialect, t, "[\"a\", 1]")).isEmpty();
    }

    private List<KeyCollision> collisions(PostgresDialect dialect, TableInfo table, String... keys) throws SQLException {
        List<KeyCollision> found = new ArrayList<>();
        db.inTransaction(() -> found.addAll(dialect.keyCollisions(db.connection, table, List.of(keys))));
        return found;
    }

    private void assumeIcu() throws SQLException {
        assumeThat(db.one("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'"))
                .as("the PostgreSQL server was built without ICU: nondeterministic collations cannot be created")
                .isNotEqualTo("0");
    }
}
