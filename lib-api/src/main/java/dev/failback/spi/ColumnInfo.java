package dev.failback.spi;

import java.util.Objects;

/**
 * A column of a target table, as the dialect read it from the catalog. Immutable.
 *
 * @param name       the column name as the target spells it
 * @param sqlType    the SQL type as the target formats it (for PostgreSQL, {@code format_type}: {@code numeric(12,2)}, {@code public.mood[]})
 * @param typeKind   a dialect-specific coarse kind used to pick a conversion (for example {@code geometry}, {@code enum}, {@code array}); never null, may be empty
 * @param nullable   whether NULL is allowed
 * @param hasDefault whether the column has a default expression
 * @param generated  whether the column is computed by the database; such columns are never written
 * @param collation  how the target compares the column's text ({@code utf8mb4_general_ci}, {@code "C"}), as the
 *                   catalog names it; empty for a column that is not text or when the dialect does not read it
 */
public record ColumnInfo(String name, String sqlType, String typeKind, boolean nullable, boolean hasDefault,
        boolean generated, String collation) {

    /** Validates the components. */
    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
        Objects.requireNonNull(typeKind, "typeKind");
        Objects.requireNonNull(collation, "collation");
    }

    /**
     * A column whose collation is not known (or that is not text).
     *
     * @param name       the column name
     * @param sqlType    the SQL type
     * @param typeKind   the dialect's coarse kind
     * @param nullable   whether NULL is allowed
     * @param hasDefault whether the column has a default
     * @param generated  whether the column is computed
     */
    public ColumnInfo(String name, String sqlType, String typeKind, boolean nullable, boolean hasDefault,
            boolean generated) {
        this(name, sqlType, typeKind, nullable, hasDefault, generated, "");
    }
}
