package dev.failback.spi;

import dev.failback.TableName;
import java.util.Objects;

/**
 * A primary-key column that can store two keys CockroachDB keeps apart as one: a collation that
 * ignores case, accents or trailing spaces, or a type that rounds (a scale, a fractional-second
 * precision). Reported at start with the fix; the rows of one window that it would merge are refused
 * as poison rows ({@link Dialect#keyCollisions}). Immutable.
 *
 * @param table   the table
 * @param column  the key column, as the target spells it
 * @param sqlType the column's type, as the target formats it
 * @param folds   what the column merges, for example {@code collation utf8mb4_general_ci compares 'a' and 'A' as equal}
 * @param fix     the change that removes the hazard, as an operator would run it
 */
public record KeyHazard(TableName table, String column, String sqlType, String folds, String fix) {

    /** Validates the components. */
    public KeyHazard {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(sqlType, "sqlType");
        Objects.requireNonNull(folds, "folds");
        Objects.requireNonNull(fix, "fix");
    }

    /**
     * Describes the hazard in one line: table, column, what it merges, the fix.
     *
     * @return the description
     */
    public String describe() {
        return "key column " + table + "." + column + " (" + sqlType + "): " + folds
                + ", so two source rows can become one target row; fix: " + fix;
    }
}
