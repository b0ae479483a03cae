package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resolving webhook paths and reading schemas from information_schema on MariaDB. */
class SchemaIT {
    private MyDatabase db;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = MyDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        db.close();
    }

    @Test
    void readSchemaReportsColumnsKeysAndParents() throws SQLException {
        MySqlDialect dialect = db.dialect(MySqlDialect.DEFAULT_TECHNIQUE);
        db.exec("CREATE TABLE parent (b varchar(10), a int, x int, PRIMARY KEY (b, a))",
                "CREATE TABLE child (id bigint AUTO_INCREMENT PRIMARY KEY, pb varchar(10), pa int, boss bigint,"
                        + " qty int NOT NULL DEFAULT 1, price decimal(12,2), total decimal(14,2) AS (qty * price) STORED,"
                        + " v int AS (qty + 1) VIRTUAL, doc json, m enum('a','b'), s set('x','y'), flag bit(4),"
                        + " raw varbinary(16), u binary(16), g point, c char(3), ok tinyint(1), big bigint unsigned,"
                        + " email varchar(50) UNIQUE,"
                        + " FOREIGN KEY (boss) REFERENCES child (id), FOREIGN KEY (pb, pa) REFERENCES parent (b, a))",
                "CREATE TABLE nokey (v text)",
                "CREATE VIEW vw AS SELECT 1 AS one");

        TargetSchema schema = dialect.readSchema(db.connection, db.name);
        assertThat(schema.schema()).isEqualTo(db.name);
        assertThat(schema.tables()).containsOnlyKeys("parent", "child", "nokey");

        TableInfo parent = schema.table("parent");
        assertThat(parent.primaryKey()).containsExactly("b", "a");
        assertThat(parent.parents()).isEmpty();
        assertThat(parent.columns()).extracting(ColumnInfo::name).containsExactly("b", "a", "x");

        TableInfo child = schema.table("CHILD");
        assertThat(child.name()).isEqualTo(new TableName(db.name, "child"));
        assertThat(child.primaryKey()).containsExactly("id");
        assertThat(child.parents()).containsExactlyInAnyOrder(new TableName(db.name, "parent"), new TableName(db.name, "child"));
        assertThat(child.column("id")).isEqualTo(new ColumnInfo("id", "bigint(20)", "", false, true, false));
        assertThat(child.column("qty")).isEqualTo(new ColumnInfo("qty", "int(11)", "", false, true, false));
        assertThat(child.column("price")).isEqualTo(new ColumnInfo("price", "decimal(12,2)", "", true, false, false));
        assertThat(child.column("total").generated()).isTrue();
        assertThat(child.column("v").generated()).isTrue();
        // MariaDB: JSON is LONGTEXT with a json_valid check constraint
        assertThat(child.column("doc")).isEqualTo(new ColumnInfo("doc", "longtext", "json", true, false, false, "utf8mb4_bin"));
        assertThat(child.column("m")).isEqualTo(new ColumnInfo("m", "enum('a','b')", "enum", true, false, false, "utf8mb4_bin"));
        assertThat(child.column("s").typeKind()).isEqualTo("set");
        assertThat(child.column("flag")).isEqualTo(new ColumnInfo("flag", "bit(4)", "bit", true, false, false));
        assertThat(child.column("raw")).isEqualTo(new ColumnInfo("raw", "varbinary(16)", "binary", true, false, false));
        assertThat(child.column("u").sqlType()).isEqualTo("binary(16)");
        assertThat(child.column("g").typeKind()).isEqualTo("geometry");
        assertThat(child.column("c").sqlType()).isEqualTo("char(3)");
        assertThat(child.column("c").collation()).as("the database's default collation").isEqualTo("utf8mb4_bin");
        assertThat(child.column("ok").sqlType()).isEqualTo("tinyint(1)");
        assertThat(child.column("big").sqlType()).isEqualTo("bigint(20) unsigned");

        TableInfo nokey = schema.table("nokey");
        assertThat(nokey.primaryKey()).isEmpty();
        assertThat(nokey.column("v").typeKind()).isEmpty();
    }

    @Test
    void resolveSchemaFindsTheDatabaseExactlyThenIgnoringCase() throws SQLException {
        MySqlDialect dialect = db.dialect(MySqlDialect.DEFAULT_TECHNIQUE);
        assertThat(dialect.schemaPathSegments()).isEqualTo(1);
        assertThat(dialect.resolveSchema(db.connection, List.of(db.name))).isEqualTo(db.name);
        assertThat(dialect.resolveSchema(db.connection, List.of(db.name.toUpperCase(Locale.ROOT)))).isEqualTo(db.name);
        assertThatThrownBy(() -> dialect.resolveSchema(db.connection, List.of("no_such_db_" + db.name)))
                .isInstanceOf(UnknownTargetException.class)
                .hasMessageContaining("unknown database \"no_such_db_" + db.name + "\"");
        assertThatThrownBy(() -> dialect.resolveSchema(db.connection, List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProviderDetectsMariaDb() throws SQLException {
        DialectProvider found = null;
        for (DialectProvider p : ServiceLoader.load(DialectProvider.class)) {
            if (p.supports(db.connection.getMetaData())) {
                found = p;
            }
        }
        assertThat(found).isInstanceOf(MySqlDialectProvider.class);
        Dialect dialect = found.create();
        assertThat(dialect.name()).isEqualTo("mariadb");
        assertThat(((MySqlDialect) dialect).flavor()).isEqualTo(MySqlDialect.Flavor.MARIADB);
        assertThat(((MySqlDialect) dialect).technique()).isEqualTo(MySqlDialect.DEFAULT_TECHNIQUE);
    }
}
