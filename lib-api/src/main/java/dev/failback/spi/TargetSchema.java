package dev.failback.spi;

import dev.failback.TableName;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one target schema's tables. Immutable.
 *
 * @param schema the schema name as the target spells it
 * @param tables tables by name as the target spells them
 */
public record TargetSchema(String schema, Map<String, TableInfo> tables) {

    /** Validates and copies the components. */
    public TargetSchema {
        Objects.requireNonNull(schema, "schema");
        tables = Map.copyOf(tables);
    }

    /**
     * Finds a table by name: exact match first, then ignoring case.
     *
     * @param name the table name
     * @return the table, or null
     */
    public TableInfo table(String name) {
        TableInfo t = tables.get(name);
        if (t != null) {
            return t;
        }
        for (TableInfo candidate : tables.values()) {
            if (candidate.name().name().equalsIgnoreCase(name)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Finds a table.
     *
     * @param name the table
     * @return the table, or null
     */
    public TableInfo table(TableName name) {
        return table(name.name());
    }
}
