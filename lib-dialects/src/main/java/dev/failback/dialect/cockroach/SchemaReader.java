package dev.failback.dialect.cockroach;

import dev.failback.dialect.internal.Catalog;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads schemas from {@code information_schema}, in the connected database: three queries per schema,
 * whatever its size. Only standard {@code information_schema} columns are used (the ones MOLT
 * Replicator reads on CockroachDB and PostgreSQL targets), so the same SQL also runs on PostgreSQL,
 * where it is tested. Stateless.
 */
final class SchemaReader {

    static final String COLUMNS = "SELECT c.table_name, c.column_name, c.data_type, c.udt_schema, c.udt_name,"
            + " c.character_maximum_length, c.numeric_precision, c.numeric_scale, c.collation_name,"
            + " c.is_nullable = 'YES', c.column_default IS NOT NULL,"
            + " coalesce(c.is_generated, 'NEVER') NOT IN ('NEVER', 'NO')"
            + " FROM information_schema.columns c"
            + " JOIN information_schema.tables t ON t.table_catalog = c.table_catalog"
            + "  AND t.table_schema = c.table_schema AND t.table_name = c.table_name"
            + " WHERE c.table_catalog = current_database() AND c.table_schema = ? AND t.table_type = 'BASE TABLE'"
            + " ORDER BY c.table_name, c.ordinal_position";

    static final String PRIMARY_KEYS = "SELECT k.table_name, k.column_name"
            + " FROM information_schema.table_constraints tc"
            + " JOIN information_schema.key_column_usage k ON k.constraint_catalog = tc.constraint_catalog"
            + "  AND k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name"
            + "  AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name"
            + " WHERE tc.table_catalog = current_database() AND tc.table_schema = ? AND tc.constraint_type = 'PRIMARY KEY'"
            + " ORDER BY k.table_name, k.ordinal_position";

    /**
     * Child table to parent table. Constraints are matched by name within their schema, as
     * {@code referential_constraints} offers nothing else: two same-named unique constraints in one
     * schema could add a spurious parent (an extra ordering edge, never a missing one).
     */
    static final String FOREIGN_KEYS = "SELECT DISTINCT tc.table_name, p.table_schema, p.table_name"
            + " FROM information_schema.table_constraints tc"
            + " JOIN information_schema.referential_constraints rc ON rc.constraint_catalog = tc.constraint_catalog"
            + "  AND rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name"
            + " JOIN information_schema.table_constraints p ON p.constraint_catalog = rc.unique_constraint_catalog"
            + "  AND p.constraint_schema = rc.unique_constraint_schema AND p.constraint_name = rc.unique_constraint_name"
            + "  AND p.constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
            + " WHERE tc.table_catalog = current_database() AND tc.table_schema = ? AND tc.constraint_type = 'FOREIGN KEY'";

    private SchemaReader() {
    }

    static String resolve(Connection connection, String database, String schema) throws SQLException {
        return Catalog.resolve(connection, "SELECT current_database()", database,
                "SELECT schema_name FROM information_schema.schemata"
                        + " WHERE catalog_name = current_database() AND lower(schema_name) = lower(?) ORDER BY schema_name",
                schema);
    }

    static TargetSchema read(Connection connection, String schema) throws SQLException {
        Map<String, List<ColumnInfo>> columns = new LinkedHashMap<>();
        Catalog.query(connection, COLUMNS, schema, rs -> {
            Type t = new Type(rs.getString(3), rs.getString(4), rs.getString(5), integer(rs, 6), integer(rs, 7),
                    integer(rs, 8), rs.getString(9));
            columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ColumnInfo(rs.getString(2),
                    t.sqlType(), t.kind(), rs.getBoolean(10), rs.getBoolean(11) || rs.getBoolean(12), rs.getBoolean(12)));
        });
        return Catalog.schema(schema, columns, Catalog.primaryKeys(connection, PRIMARY_KEYS, schema),
                Catalog.ForeignKeys.read(connection, FOREIGN_KEYS, schema, false));
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /**
     * A column type as {@code information_schema.columns} describes it, turned into a type name both
     * CockroachDB and PostgreSQL accept in a cast ({@code numeric(12,4)}, {@code character varying(10)},
     * {@code int8[]}, {@code "public"."mood"}, {@code text COLLATE "de"}) and a type kind.
     *
     * @param dataType  {@code data_type}: a standard name, {@code ARRAY} or {@code USER-DEFINED}
     * @param udtSchema {@code udt_schema}
     * @param udtName   {@code udt_name} ({@code _int8} for arrays)
     * @param length    {@code character_maximum_length}, or null
     * @param precision {@code numeric_precision}, or null
     * @param scale     {@code numeric_scale}, or null
     * @param collation {@code collation_name}, or null
     */
    record Type(String dataType, String udtSchema, String udtName, Integer length, Integer precision, Integer scale,
            String collation) {

        String sqlType() {
            String base = base();
            if (collation != null && !collation.isEmpty() && !collation.equalsIgnoreCase("default")
                    && (base.startsWith("text") || base.startsWith("character"))) {
                return base + " COLLATE " + quote(collation);
            }
            return base;
        }

        private String base() {
            String dt = dataType.toLowerCase(Locale.ROOT);
            if (isGeo()) {
                return udtName.toLowerCase(Locale.ROOT);
            }
            switch (dt) {
                case "array":
                    String element = udtName.startsWith("_") ? udtName.substring(1) : udtName;
                    return (builtIn() ? element : quote(udtSchema) + "." + quote(element)) + "[]";
                case "user-defined":
                    return quote(udtSchema) + "." + quote(udtName);
                case "character varying":
                case "character":
                case "bit":
                case "bit varying":
                    return length == null ? dt : dt + "(" + length + ")";
                case "numeric":
                    return precision == null ? dt : dt + "(" + precision + "," + (scale == null ? 0 : scale) + ")";
                default:
                    return dt;
            }
        }

        String kind() {
            String dt = dataType.toLowerCase(Locale.ROOT);
            if (isGeo()) {
                return udtName.equalsIgnoreCase("geography") ? PostgresDialect.KIND_GEOGRAPHY : PostgresDialect.KIND_GEOMETRY;
            }
            switch (dt) {
                case "array":
                    return PostgresDialect.KIND_ARRAY;
                case "user-defined":
                    return PostgresDialect.KIND_ENUM;
                case "json":
                case "jsonb":
                    return PostgresDialect.KIND_JSON;
                case "bytea":
                    return PostgresDialect.KIND_BYTEA;
                default:
                    return "";
            }
        }

        private boolean isGeo() {
            return !dataType.equalsIgnoreCase("ARRAY") && udtName != null
                    && (udtName.equalsIgnoreCase("geometry") || udtName.equalsIgnoreCase("geography"));
        }

        private boolean builtIn() {
            return udtSchema == null || udtSchema.equals("pg_catalog");
        }

        private static String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }
    }
}
