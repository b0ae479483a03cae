package dev.failback.spi;

import dev.failback.TableName;
import java.util.List;
import java.util.Objects;

/**
 * A foreign key of a target table: its columns and the columns of the table they reference.
 * Immutable.
 *
 * @param parent        the referenced table (may be the table itself)
 * @param columns       the referencing columns, in constraint order
 * @param parentColumns the referenced columns, in the same order
 */
public record ForeignKey(TableName parent, List<String> columns, List<String> parentColumns) {

    /** Validates and copies the components. */
    public ForeignKey {
        Objects.requireNonNull(parent, "parent");
        columns = List.copyOf(columns);
        parentColumns = List.copyOf(parentColumns);
        if (columns.size() != parentColumns.size() || columns.isEmpty()) {
            throw new IllegalArgumentException("a foreign key needs as many columns as referenced columns, but was "
                    + columns + " -> " + parentColumns);
        }
    }
}
