package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SQL text of the UPSERT INTO flavour (CockroachDB), without a database. */
class UpsertIntoSqlTest {
    private static final ColumnInfo ID = new ColumnInfo("id", "bigint", "", false, false, false);
    private static final ColumnInfo REGION = new ColumnInfo("region", "character varying(8) COLLATE \"de\"", "", false,
            false, false);
    private static final ColumnInfo NAME = new ColumnInfo("na\"me", "text", "", true, true, false);
    private static final TableInfo TABLE = new TableInfo(new TableName("public", "t"), List.of(ID, REGION, NAME),
            List.of("id", "region"), Set.of());

    @Test
    void upsertIntoWritesOnlyTheListedColumns() {
        assertThat(UpsertSyntax.UPSERT_INTO.head(TABLE, List.of(ID, NAME)))
                .isEqualTo("UPSERT INTO \"public\".\"t\" (\"id\", \"na\"\"me\") ");
        assertThat(UpsertSyntax.UPSERT_INTO.tail(TABLE, List.of(ID, NAME))).isEmpty();
        assertThat(UpsertSyntax.UPSERT_INTO.head(TABLE, List.of(ID))).isEqualTo("UPSERT INTO \"public\".\"t\" (\"id\") ");
    }

    @Test
    void cockroachRowSourceUsesSingleArgumentUnnestInASelectList() {
        assertThat(UnnestWriter.unnest(2, UpsertSyntax.UPSERT_INTO))
                .isEqualTo("(SELECT unnest(?::text[]) AS c0, unnest(?::text[]) AS c1) AS u");
        assertThat(UnnestWriter.unnest(2, UpsertSyntax.INSERT_ON_CONFLICT))
                .isEqualTo("unnest(?::text[], ?::text[]) AS u(c0, c1)");
    }

    @Test
    void cockroachDeletesByKeyTuplesInASubquery() {
        assertThat(UnnestWriter.deleteSql(TABLE, Shape.keyColumns(TABLE), UpsertSyntax.UPSERT_INTO,
                Writer.KeyCast.VALUE_TYPE))
                .isEqualTo("DELETE FROM \"public\".\"t\" WHERE (\"id\", \"region\") IN (SELECT u.c0::bigint,"
                        + " u.c1::text COLLATE \"de\" FROM (SELECT unnest(?::text[]) AS c0, unnest(?::text[]) AS c1) AS u)");
        assertThat(UnnestWriter.deleteSql(TABLE, Shape.keyColumns(TABLE), UpsertSyntax.INSERT_ON_CONFLICT,
                Writer.KeyCast.COLUMN_COMPARISON))
                .startsWith("DELETE FROM \"public\".\"t\" AS t USING unnest(");
    }

    @Test
    void onlyPostgresDeletesCompareCharacterKeysAsBpchar() {
        ColumnInfo code = new ColumnInfo("code", "character(5)", "", false, false, false);
        TableInfo codes = new TableInfo(new TableName("public", "codes"), List.of(code), List.of("code"), Set.of());
        assertThat(UnnestWriter.deleteSql(codes, List.of(code), UpsertSyntax.INSERT_ON_CONFLICT,
                Writer.KeyCast.COLUMN_COMPARISON)).endsWith("WHERE t.\"code\" = u.c0::bpchar");
        assertThat(UnnestWriter.deleteSql(codes, List.of(code), UpsertSyntax.UPSERT_INTO, Writer.KeyCast.VALUE_TYPE))
                .contains("SELECT u.c0::text FROM").doesNotContain("bpchar");
        assertThat(Writer.KeyCast.VALUE_TYPE.type(code)).isEqualTo("text");
        assertThat(Writer.KeyCast.COLUMN_COMPARISON.type(code)).isEqualTo("bpchar");
        assertThat(Writer.KeyCast.COLUMN_COMPARISON.type(REGION)).isEqualTo("text COLLATE \"de\"");
    }

    @Test
    void collatedLengthLimitedTypesCastToCollatedText() {
        assertThat(Sql.castType(REGION)).isEqualTo("text COLLATE \"de\"");
        assertThat(Sql.castType(new ColumnInfo("c", "character(3)", "", true, false, false))).isEqualTo("text");
        assertThat(Sql.castType(new ColumnInfo("c", "bit(4)[]", "", true, false, false))).isEqualTo("bit varying[]");
    }

    @Test
    void upsertIntoRefusesTheRecordsetTechnique() {
        assertThat(PostgresDialect.upsertInto("x", ApplyTechnique.VALUES).name()).isEqualTo("x");
        assertThatThrownBy(() -> PostgresDialect.upsertInto("x", ApplyTechnique.JSONB_RECORDSET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNNEST or VALUES");
    }
}
