package dev.failback.core.internal.apply;

import dev.failback.TableName;
import dev.failback.spi.TableInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders tables so that referenced (parent) tables come before the tables referencing them. Self
 * references are ignored; tables on a foreign-key cycle are kept together, in name order, after
 * everything that can be ordered, so a cycle never stops replication (the database decides whether
 * such a window applies).
 */
final class TableOrder {
    private TableOrder() {
    }

    /**
     * Sorts tables parents first.
     *
     * @param tables the tables to order
     * @return the tables, parents before children; deterministic
     */
    static List<TableInfo> parentsFirst(Collection<TableInfo> tables) {
        Map<TableName, TableInfo> byName = new HashMap<>();
        for (TableInfo t : tables) {
            byName.put(t.name().folded(), t);
        }
        List<TableInfo> sorted = new ArrayList<>(tables);
        sorted.sort(Comparator.comparing(t -> t.name().toString()));
        Set<TableName> done = new LinkedHashSet<>();
        List<TableInfo> out = new ArrayList<>(tables.size());
        boolean progress = true;
        while (out.size() < sorted.size() && progress) {
            progress = false;
            for (TableInfo t : sorted) {
                TableName n = t.name().folded();
                if (done.contains(n)) {
                    continue;
                }
                boolean ready = true;
                for (TableName p : t.parents()) {
                    TableName fp = p.folded();
                    if (!fp.equals(n) && byName.containsKey(fp) && !done.contains(fp)) {
                        ready = false;
                        break;
                    }
                }
                if (ready) {
                    done.add(n);
                    out.add(t);
                    progress = true;
                }
            }
        }
        for (TableInfo t : sorted) {
            if (!done.contains(t.name().folded())) {
                out.add(t); // on a cycle
            }
        }
        return out;
    }
}
