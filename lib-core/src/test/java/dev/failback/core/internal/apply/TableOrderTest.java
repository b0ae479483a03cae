package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TableOrderTest {
    private static TableInfo t(String name, String... parents) {
        return new TableInfo(new TableName("s", name), List.of(), List.of("id"),
                Set.of(parents).stream().map(p -> new TableName("s", p)).collect(Collectors.toSet()));
    }

    private static List<String> names(List<TableInfo> tables) {
        return tables.stream().map(x -> x.name().name()).collect(Collectors.toList());
    }

    @Test
    void parentsComeFirstAndSelfReferencesAreIgnored() {
        List<TableInfo> order = TableOrder.parentsFirst(List.of(
                t("payments", "orders"), t("orders", "employees"), t("employees", "employees")));
        assertThat(names(order)).containsExactly("employees", "orders", "payments");
    }

    @Test
    void cyclesDoNotStopOrdering() {
        List<TableInfo> order = TableOrder.parentsFirst(List.of(t("a", "b"), t("b", "a"), t("c"), t("d", "c")));
        assertThat(names(order)).containsExactly("c", "d", "a", "b");
    }

    @Test
    void parentsOutsideTheWindowDoNotMatter() {
        assertThat(names(TableOrder.parentsFirst(List.of(t("child", "absent"))))).containsExactly("child");
    }
}
