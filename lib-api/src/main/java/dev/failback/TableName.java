package dev.failback;

import java.util.Locale;
import java.util.Objects;

/**
 * The name of a table in the target database: the schema it lives in and its own name, both as the
 * target database spells them. Immutable and thread-safe.
 *
 * @param schema the target schema (PostgreSQL schema, MySQL database, Oracle owner), never null
 * @param name   the table name, never null
 */
public record TableName(String schema, String name) {

    /** Validates the components. */
    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("table name must not be empty");
        }
    }

    /**
     * Returns whether this names the same table as {@code other}, ignoring case.
     *
     * @param other a table name, never null
     * @return true when schema and name are equal ignoring case
     */
    public boolean equalsIgnoreCase(TableName other) {
        return schema.equalsIgnoreCase(other.schema) && name.equalsIgnoreCase(other.name);
    }

    /**
     * Returns a lower-case form, for case-insensitive maps.
     *
     * @return the folded name, never null
     */
    public TableName folded() {
        return new TableName(schema.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
    }

    /** Returns {@code schema.name}. */
    @Override
    public String toString() {
        return schema.isEmpty() ? name : schema + "." + name;
    }
}
