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
 */
public record ColumnInfo(String name, String sqlType, String typeKind, boolean nullable, boolean hasDefault,
        boolean generated) {

    /** Validates the components. */
    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
        Objects.requireNonNull(typeKind, "typeKind");
    }
}
