package dev.failback.dialect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
