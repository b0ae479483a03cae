package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaDriftTest {
    private static final TableName KV = new TableName("public", "kv");
    private static final TargetSchema SCHEMA = new TargetSchema("public", Map.of("kv", new TableInfo(KV,
            List.of(column("id"), column("v")), List.of("id"), Set.of())));

    private static ColumnInfo column(String name) {
        return new ColumnInfo(name, "text", "", true, false, false);
    }

    private static Mutation upsert(long id, String after) {
        return new Mutation(KV, "[" + id + "]", new Hlc(100 + id, 0), after, null);
    }

    @Test
    void withoutRemovesOnlyTheNamedMembersAndKeepsValueTextAsSent() {
        String after = "{\"id\": 1, \"gone\": {\"a\": [1, 2]}, \"v\": 1.10, \"x\": \"\\u00e9,}\" ,\"tail\":-0.0}";
        assertThat(SchemaDrift.without(after, Set.of("gone", "tail")))
                .isEqualTo("{\"id\": 1, \"v\": 1.10, \"x\": \"\\u00e9,}\"}");
        assertThat(SchemaDrift.without(after, Set.of("id"))).startsWith("{\"gone\": {\"a\": [1, 2]}, \"v\": 1.10");
        assertThat(SchemaDrift.without(after, Set.of("id", "gone", "v", "x", "tail"))).isEqualTo("{}");
        assertThat(SchemaDrift.without(after, Set.of("nothere"))).isSameAs(after);
        assertThatThrownBy(() -> SchemaDrift.without("[1]", Set.of("a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreTheTopLevelNamesInOrder() {
        assertThat(SchemaDrift.keys("{\"b\": {\"c\": 1}, \"a\": [ {\"d\": 2} ]}")).containsExactly("b", "a");
    }

    @Test
    void findNamesUnknownColumnsWithTheFirstCarrierAndStripFitsTheWindow() {
        List<Mutation> window = List.of(upsert(1, "{\"id\": 1, \"v\": \"a\"}"),
                upsert(2, "{\"id\": 2, \"v\": \"b\", \"gone\": 7}"),
                new Mutation(KV, "[3]", new Hlc(103, 0), null, null),
                upsert(4, "{\"id\": 4, \"V\": \"d\", \"gone\": 8, \"also\": true}"));
        SchemaDrift drift = SchemaDrift.find(SCHEMA, window);
        assertThat(drift.isEmpty()).isFalse();
        assertThat(drift.missingTable()).isNull();
        assertThat(drift.unknown()).containsExactly(Map.entry(KV, Set.of("gone", "also")));
        assertThat(drift.describe()).startsWith("schema drift: table public.kv has no columns \"gone\", \"also\"")
                .contains("key [2] at " + new Hlc(102, 0), "Add it back", "ignoreUnknownColumns");

        List<Mutation> fitted = drift.strip(window);
        assertThat(fitted).extracting(Mutation::after).containsExactly("{\"id\": 1, \"v\": \"a\"}",
                "{\"id\": 2, \"v\": \"b\"}", null, "{\"id\": 4, \"V\": \"d\"}");
        assertThat(fitted.get(0)).isSameAs(window.get(0));
        assertThat(SchemaDrift.find(SCHEMA, fitted).isEmpty()).isTrue();
    }

    @Test
    void aTableGoneFromTheSchemaIsNamed() {
        Mutation other = new Mutation(new TableName("public", "gone"), "[1]", new Hlc(5, 0), "{\"id\": 1}", null);
        SchemaDrift drift = SchemaDrift.find(SCHEMA, List.of(upsert(1, "{\"id\": 1}"), other));
        assertThat(drift.missingTable()).isEqualTo(other);
        assertThat(drift.describe()).contains("table public.gone is not in the target any more", "key [1]",
                "create the table again");
    }
}
