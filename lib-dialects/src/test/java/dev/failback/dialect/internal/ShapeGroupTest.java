package dev.failback.dialect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeGroupTest {

    @Test
    void groupsRowsByTheirKeysInOrderAsTheGenericGroupingDoes() {
        List<Map<String, Json.Value>> rows = new ArrayList<>();
        for (String json : List.of("{\"a\":1,\"b\":2}", "{\"a\":3,\"b\":4}", "{\"b\":5,\"a\":6}", "{\"a\":7}",
                "{\"a\":8,\"b\":9}", "{\"a\":10,\"c\":11}", "{\"a\":12}")) {
            rows.add(Json.fields(json));
        }
        Map<List<String>, List<Map<String, Json.Value>>> fast = Shape.groupByKeys(rows);
        Map<List<String>, List<Map<String, Json.Value>>> generic = Shape.group(rows, f -> new ArrayList<>(f.keySet()));
        assertThat(fast).isEqualTo(generic);
        assertThat(new ArrayList<>(fast.keySet()))
                .containsExactly(List.of("a", "b"), List.of("b", "a"), List.of("a"), List.of("a", "c"));
        assertThat(fast.get(List.of("a", "b"))).hasSize(3);
        assertThat(fast.get(List.of("a"))).hasSize(2);
    }

    private static final TableInfo TABLE = new TableInfo(new TableName("s", "t"), List.of(
            new ColumnInfo("a", "bigint", "number", false, false, false),
            new ColumnInfo("B", "text", "text", true, false, false),
            new ColumnInfo("g", "bigint", "number", true, false, true),
            new ColumnInfo("c", "jsonb", "json", true, false, false)), List.of("a"), Set.of());

    /**
     * {@link Shape#rows} reads each row once; it must give the groups, the order and the values that parsing
     * every row into a map, grouping the maps and matching each group's keys ({@link Shape#of}) gave.
     */
    @Test
    void rowsGivesWhatParsingEveryRowIntoAMapGave() {
        List<String> images = List.of("{\"a\":1,\"B\":\"x\",\"g\":9,\"c\":{\"k\":[1,2.50]}}",
                "{\"a\":2,\"B\":null,\"g\":null,\"c\":null}", // same keys: the fast path
                "{\"a\":3,\"b\":\"folded\",\"c\":\"s\"}", // another key list (case differs)
                "{\"B\":\"y\",\"a\":4}", // reordered: its own group
                "{\"a\":5,\"B\":\"z\",\"g\":1,\"c\":[true]}", // back to the first list
                "{\"a\":6,\"B\":\"first\",\"B\":\"last\",\"g\":1,\"c\":1}", // a repeated key: the map keeps the last
                "{\"a\":7,\"B\":\"w\",\"g\":1}", // fewer keys than the row before
                "{\"a\":8,\"B\":\"v\",\"g\":1,\"c\":2,\"B\":\"again\"}");
        List<Mutation> rows = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            rows.add(new Mutation(TABLE.name(), "[" + (i + 1) + "]", new Hlc(i + 1, 0), images.get(i), null));
        }
        List<List<String>> expected = new ArrayList<>();
        List<Map<String, Json.Value>> parsed = new ArrayList<>();
        rows.forEach(m -> parsed.add(Json.fields(m.after())));
        for (Map.Entry<List<String>, List<Map<String, Json.Value>>> g : Shape.groupByKeys(parsed).entrySet()) {
            Shape shape = Shape.of(TABLE, g.getKey());
            for (Map<String, Json.Value> fields : g.getValue()) {
                List<String> row = new ArrayList<>(List.of(shape.toString()));
                shape.keys().forEach(k -> row.add(String.valueOf(fields.get(k))));
                expected.add(row);
            }
        }
        List<List<String>> actual = new ArrayList<>();
        for (Shape.Rows g : Shape.rows(TABLE, rows)) {
            for (Json.Value[] values : g.values()) {
                List<String> row = new ArrayList<>(List.of(g.shape().toString()));
                Arrays.stream(values).forEach(v -> row.add(String.valueOf(v)));
                actual.add(row);
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(Shape.rows(TABLE, rows)).hasSize(4); // [a, B, g, c], [a, b, c], [B, a], [a, B, g]
        assertThat(Shape.rows(TABLE, rows).get(0).shape().columns()).extracting(ColumnInfo::name)
                .containsExactly("a", "B", "c"); // the generated column is not written
    }

    @Test
    void rowsReportsWhatTheMapPathReported() {
        Mutation unknown = new Mutation(TABLE.name(), "[1]", new Hlc(1, 0), "{\"a\":1,\"zz\":2}", null);
        Mutation good = new Mutation(TABLE.name(), "[2]", new Hlc(2, 0), "{\"a\":2,\"zz\":2}", null);
        assertThatThrownBy(() -> Shape.rows(TABLE, List.of(unknown, good))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no column(s) [zz]");
        Mutation broken = new Mutation(TABLE.name(), "[3]", new Hlc(3, 0), "{\"a\":3,", null);
        Mutation first = new Mutation(TABLE.name(), "[4]", new Hlc(4, 0), "{\"a\":4}", null);
        assertThatThrownBy(() -> Shape.rows(TABLE, List.of(first, broken))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid JSON");
        Mutation keyless = new Mutation(TABLE.name(), "[5]", new Hlc(5, 0), "{\"B\":\"x\"}", null);
        assertThatThrownBy(() -> Shape.rows(TABLE, List.of(keyless))).hasMessageContaining("lacks primary-key column \"a\"");
    }
}
