package dev.failback.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.TableName;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableInfoTest {
    private static ColumnInfo column(String name) {
        return new ColumnInfo(name, "text", "", true, false, false);
    }

    @Test
    void aColumnIsFoundByItsExactNameAnywhereBeforeOneThatDiffersInCase() {
        ColumnInfo upper = column("Name");
        ColumnInfo exact = column("name");
        ColumnInfo other = column("NOTE");
        TableInfo t = new TableInfo(new TableName("s", "t"), List.of(column("id"), upper, exact, other), List.of("id"),
                Set.of());
        assertThat(t.column("name")).isSameAs(exact);
        assertThat(t.column("Name")).isSameAs(upper);
        assertThat(t.column("NAME")).as("the first that matches ignoring case").isSameAs(upper);
        assertThat(t.column("note")).isSameAs(other);
        assertThat(t.column("missing")).isNull();
    }
}
