package dev.failback.dialect.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.DialectProvider;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resolving owners and reading the dictionary (through the H2 emulation views), and detection. */
class OracleSchemaIT {
    private OracleDb db;
    private final OracleDialect dialect = new OracleDialect();

    @BeforeEach
    void createSchema() throws SQLException {
        db = OracleDb.h2();
        db.exec("CREATE SCHEMA \"MixedOwner\"",
                "CREATE TABLE APP.PARENTS (ID NUMBER(19) PRIMARY KEY, CODE CHAR(3 CHAR) UNIQUE)",
                "CREATE TABLE APP.CHILDREN (ORDER_ID RAW(16), SEQ NUMBER(10), PARENT_ID NUMBER(19) NOT NULL REFERENCES APP.PARENTS (ID),"
                        + " PARENT_CODE CHAR(3 CHAR) REFERENCES APP.PARENTS (CODE), AMOUNT NUMBER(12,2) DEFAULT 0,"
                        + " TAG VARCHAR2(10 BYTE), NAME VARCHAR2(255 CHAR), BORN DATE, AT TIMESTAMP(6), AT_TZ TIMESTAMP(3) WITH TIME ZONE,"
                        + " BODY CLOB, PIC BLOB, SCORE BINARY_DOUBLE, RATIO BINARY_FLOAT, FREE NUMBER, WHOLE INTEGER,"
                        + " DOUBLED NUMBER GENERATED ALWAYS AS (SEQ * 2), HIDDEN_ONE VARCHAR2(5) INVISIBLE,"
                        + " PRIMARY KEY (SEQ, ORDER_ID))",
                "COMMENT ON COLUMN APP.CHILDREN.TAG IS 'BYTE'",
                "CREATE TABLE APP.NO_KEY (A NUMBER(10))",
                "CREATE VIEW APP.A_VIEW AS SELECT ID FROM APP.PARENTS");
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @Test
    void readsTablesColumnsKeysAndParents() throws SQLException {
        TargetSchema schema = dialect.readSchema(db.connection, "APP");
        assertThat(schema.tables().keySet()).containsExactlyInAnyOrder("PARENTS", "CHILDREN", "NO_KEY");
        TableInfo children = schema.table("children");
        assertThat(children.primaryKey()).containsExactly("SEQ", "ORDER_ID");
        assertThat(children.parents()).containsExactly(new TableName("APP", "PARENTS"));
        assertThat(children.columns()).extracting(ColumnInfo::name, ColumnInfo::sqlType, ColumnInfo::typeKind)
                .containsExactly(
                        tuple("ORDER_ID", "RAW(16)", "raw"), tuple("SEQ", "NUMBER(10)", "number"),
                        tuple("PARENT_ID", "NUMBER(19)", "number"), tuple("PARENT_CODE", "CHAR(3 CHAR)", "char"),
                        tuple("AMOUNT", "NUMBER(12,2)", "number"), tuple("TAG", "VARCHAR2(10 BYTE)", "varchar"),
                        tuple("NAME", "VARCHAR2(255 CHAR)", "varchar"), tuple("BORN", "DATE", "date"),
                        tuple("AT", "TIMESTAMP(6)", "timestamp"), tuple("AT_TZ", "TIMESTAMP(3) WITH TIME ZONE", "timestamp_tz"),
                        tuple("BODY", "CLOB", "clob"), tuple("PIC", "BLOB", "blob"),
                        tuple("SCORE", "BINARY_DOUBLE", "binary_double"), tuple("RATIO", "BINARY_FLOAT", "binary_float"),
                        tuple("FREE", "NUMBER", "number"), tuple("WHOLE", "NUMBER(38)", "number"),
                        tuple("DOUBLED", "NUMBER", "number"));
        ColumnInfo parentId = children.column("parent_id");
        assertThat(parentId.nullable()).isFalse();
        assertThat(children.column("AMOUNT").hasDefault()).isTrue();
        assertThat(children.column("NAME").hasDefault()).isFalse();
        assertThat(children.column("DOUBLED").generated()).isTrue();
        assertThat(children.column("hidden_one")).isNull();
        assertThat(schema.table("NO_KEY").primaryKey()).isEmpty();
    }

    @Test
    void resolvesOwnersExactlyThenUpperCasedThenIgnoringCase() throws SQLException {
        assertThat(dialect.resolveSchema(db.connection, List.of("APP"))).isEqualTo("APP");
        assertThat(dialect.resolveSchema(db.connection, List.of("app"))).isEqualTo("APP");
        assertThat(dialect.resolveSchema(db.connection, List.of("MixedOwner"))).isEqualTo("MixedOwner");
        assertThat(dialect.resolveSchema(db.connection, List.of("mixedowner"))).isEqualTo("MixedOwner");
        assertThatThrownBy(() -> dialect.resolveSchema(db.connection, List.of("nobody")))
                .isInstanceOf(UnknownTargetException.class).hasMessageContaining("\"nobody\"").hasMessageContaining("NOBODY");
        assertThatThrownBy(() -> dialect.resolveSchema(db.connection, List.of("db", "APP")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dialect.schemaPathSegments()).isEqualTo(1);
        assertThat(dialect.name()).isEqualTo("oracle");
    }

    @Test
    void providerSupportsH2OnlyInOracleMode() throws SQLException {
        DialectProvider provider = ServiceLoader.load(DialectProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof OracleDialectProvider).findFirst().orElseThrow();
        assertThat(provider.supports(db.connection.getMetaData())).isTrue();
        assertThat(provider.create()).isInstanceOf(OracleDialect.class);
        try (Connection plain = DriverManager.getConnection("jdbc:h2:mem:plain" + System.nanoTime())) {
            assertThat(provider.supports(plain.getMetaData())).isFalse();
        }
        assertThat(Set.of(OracleApplyTechnique.values())).contains(OracleDialect.DEFAULT_TECHNIQUE);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
