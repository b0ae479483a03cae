package dev.failback.spi;

import dev.failback.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A target table: its columns, primary key, and the tables its foreign keys reference. Immutable.
 *
 * @param name       the table
 * @param columns    every column, in table order
 * @param primaryKey primary-key column names, in key order; never empty for a table Failback can write
 * @param parents     tables referenced by this table's foreign keys (may include itself)
 * @param foreignKeys the foreign keys with their columns, when the dialect reads them (empty otherwise);
 *                    a self-reference lets Failback write parent rows before the rows that point at them
 *                    on databases that check foreign keys row by row (MySQL, Oracle batches)
 */
public record TableInfo(TableName name, List<ColumnInfo> columns, List<String> primaryKey, Set<TableName> parents,
        List<ForeignKey> foreignKeys) {

    /** Validates and copies the components. */
    public TableInfo {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        parents = Set.copyOf(parents);
        foreignKeys = List.copyOf(foreignKeys);
    }

    /**
     * A table whose foreign keys are known only by the tables they reference.
     *
     * @param name       the table
     * @param columns    every column, in table order
     * @param primaryKey primary-key column names, in key order
     * @param parents    tables referenced by this table's foreign keys
     */
    public TableInfo(TableName name, List<ColumnInfo> columns, List<String> primaryKey, Set<TableName> parents) {
        this(name, columns, primaryKey, parents, List.of());
    }

    /**
     * Returns the foreign keys that reference this same table.
     *
     * @return the self-references, possibly empty
     */
    public List<ForeignKey> selfReferences() {
        return foreignKeys.stream().filter(fk -> fk.parent().equalsIgnoreCase(name)).toList();
    }

    /**
     * Finds a column by name: exact match first, then ignoring case.
     *
     * @param column the name
     * @return the column, or null when the table has none of that name
     */
    public ColumnInfo column(String column) {
        // exact names first, over every column: the usual lookup never compares ignoring case
        for (ColumnInfo c : columns) {
            if (c.name().equals(column)) {
                return c;
            }
        }
        for (ColumnInfo c : columns) {
            if (c.name().equalsIgnoreCase(column)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Returns columns by lower-case name.
     *
     * @return a new map, in table order
     */
    public Map<String, ColumnInfo> columnsByFoldedName() {
        Map<String, ColumnInfo> m = new LinkedHashMap<>();
        for (ColumnInfo c : columns) {
            m.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
        }
        return m;
    }
}
