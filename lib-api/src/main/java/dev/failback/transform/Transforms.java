package dev.failback.transform;

import dev.failback.TableName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which transform serves which target schema and table. Build one with {@link #builder()}, or get one
 * from the {@code failback-userscript} module; give it to {@link dev.failback.Failback.Builder#transforms}.
 * Implementations are thread-safe.
 */
public interface Transforms extends AutoCloseable {

    /** No transforms: rows pass as sent. */
    Transforms NONE = builder().build();

    /**
     * Finds the transform of a target schema.
     *
     * @param schema the schema as MOLT names it ({@link RowMeta#schema()})
     * @return the transform, or null when rows of the schema pass as sent
     */
    SchemaTransform schema(String schema);

    /**
     * Finds the transform of a target table.
     *
     * @param schema the schema as MOLT names it
     * @param table  the table
     * @return the transform, or null when rows of the table pass as sent
     */
    TableTransform table(String schema, TableName table);

    /** Releases what the transforms hold (a script engine). Default: nothing. */
    @Override
    default void close() {
    }

    /**
     * Returns a builder of transforms given in Java.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /** Collects transforms by schema and table name. Not thread-safe; the built {@link Transforms} is. */
    final class Builder {
        private final Map<String, SchemaTransform> schemas = new LinkedHashMap<>();
        private final Map<String, TableTransform> tables = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Transforms the rows of a target schema before staging.
         *
         * @param schema    the schema as MOLT names it: {@code defaultdb.public}, {@code db}, {@code SCHEMA};
         *                  compared ignoring case
         * @param transform the transform
         * @return this builder
         */
        public Builder schema(String schema, SchemaTransform transform) {
            schemas.put(Objects.requireNonNull(schema, "schema").toLowerCase(java.util.Locale.ROOT),
                    Objects.requireNonNull(transform, "transform"));
            return this;
        }

        /**
         * Transforms the rows of a target table at apply.
         *
         * @param table     the table, {@code orders} (in every schema) or qualified by the schema as MOLT
         *                  names it ({@code defaultdb.public.orders}); compared ignoring case
         * @param transform the transform
         * @return this builder
         */
        public Builder table(String table, TableTransform transform) {
            tables.put(Objects.requireNonNull(table, "table").toLowerCase(java.util.Locale.ROOT),
                    Objects.requireNonNull(transform, "transform"));
            return this;
        }

        /**
         * Builds the transforms.
         *
         * @return an immutable, thread-safe snapshot
         */
        public Transforms build() {
            Map<String, SchemaTransform> s = Map.copyOf(schemas);
            Map<String, TableTransform> t = Map.copyOf(tables);
            return new Transforms() {
                @Override
                public SchemaTransform schema(String schema) {
                    return s.get(schema.toLowerCase(java.util.Locale.ROOT));
                }

                @Override
                public TableTransform table(String schema, TableName table) {
                    String name = table.name().toLowerCase(java.util.Locale.ROOT);
                    TableTransform qualified = t.get(schema.toLowerCase(java.util.Locale.ROOT) + "." + name);
                    return qualified != null ? qualified : t.get(name);
                }

                @Override
                public String toString() {
                    return "Transforms[schemas=" + s.keySet() + ", tables=" + t.keySet() + "]";
                }
            };
        }
    }
}
