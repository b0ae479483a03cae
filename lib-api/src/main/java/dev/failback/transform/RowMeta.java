package dev.failback.transform;

import dev.failback.Hlc;
import java.util.Map;
import java.util.Objects;

/**
 * Where a row comes from. Immutable.
 *
 * @param schema  the target schema as MOLT names it: the webhook path's parts joined with {@code .}
 *                ({@code defaultdb.public} on PostgreSQL, {@code db} on MySQL, {@code SCHEMA} on Oracle)
 * @param table   the table: the source table (the changefeed topic's last part) in a
 *                {@link SchemaTransform}, the target table in a {@link TableTransform}
 * @param updated the source transaction's commit timestamp
 * @param before  the previous row image (changefeeds created {@code WITH diff}), or null
 */
public record RowMeta(String schema, String table, Hlc updated, Map<String, Object> before) {

    /** Validates the components. */
    public RowMeta {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(updated, "updated");
    }
}
