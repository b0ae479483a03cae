package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.Catalog;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads schemas from {@code pg_catalog}: three queries per schema, whatever its size. Stateless: what it
 * learns about nondeterministic collations goes to the dialect's {@link KeyRules}.
 */
final class SchemaReader {

    /**
     * Every column of every ordinary (non-partition) and partitioned table. Types outside pg_catalog
     * are schema-qualified even when visible on the search path (enums, PostGIS, domains). The collation
     * is the catalog's name ({@code default}, {@code C}, a user collation), empty for a type that has none;
     * a nondeterministic one (PostgreSQL 12+) also comes as the schema-qualified name SQL can use.
     */
    private static final String COLUMNS = "SELECT c.relname, a.attname,"
            + " CASE WHEN bt.nspname <> 'pg_catalog' AND pg_catalog.pg_type_is_visible(bt.oid)"
            + "  THEN pg_catalog.quote_ident(bt.nspname) || '.' ELSE '' END"
            + "  || pg_catalog.format_type(a.atttypid, a.atttypmod) AS sql_type,"
            + " CASE WHEN a.attidentity = 'a' THEN '" + PostgresDialect.KIND_IDENTITY + "'"
            + "  WHEN t.typcategory = 'A' THEN '" + PostgresDialect.KIND_ARRAY + "'"
            + "  WHEN t.typname = 'geometry' THEN '" + PostgresDialect.KIND_GEOMETRY + "'"
            + "  WHEN t.typname = 'geography' THEN '" + PostgresDialect.KIND_GEOGRAPHY + "'"
            + "  WHEN t.typtype = 'e' THEN '" + PostgresDialect.KIND_ENUM + "'"
            + "  WHEN t.oid IN ('pg_catalog.json'::pg_catalog.regtype, 'pg_catalog.jsonb'::pg_catalog.regtype)"
            + "   THEN '" + PostgresDialect.KIND_JSON + "'"
            + "  WHEN t.oid = 'pg_catalog.bytea'::pg_catalog.regtype THEN '" + PostgresDialect.KIND_BYTEA + "'"
            + "  ELSE '' END AS type_kind,"
            + " NOT a.attnotnull AS nullable, a.atthasdef OR a.attidentity <> '' AS has_default,"
            + " a.attgenerated <> '' AS generated,"
            + " COALESCE(co.collname, '') AS collation,"
            + " CASE WHEN NOT co.collisdeterministic"
            + "  THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END AS nondeterministic"
            + " FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " JOIN LATERAL (SELECT et.oid, en.nspname FROM pg_catalog.pg_type et"
            + "  JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace"
            + "  WHERE et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END) bt ON true"
            + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
            + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            + " ORDER BY c.relname, a.attnum";

    private static final String PRIMARY_KEYS = "SELECT c.relname, a.attname"
            + " FROM pg_catalog.pg_constraint k"
            + " JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " CROSS JOIN LATERAL pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum"
            + " WHERE k.contype = 'p' AND n.nspname = ?"
            + " ORDER BY c.relname, u.ord";

    private static final String FOREIGN_KEYS = "SELECT DISTINCT c.relname, rn.nspname, rc.relname"
            + " FROM pg_catalog.pg_constraint k"
            + " JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid"
            + " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
            + " WHERE k.contype = 'f' AND k.conparentid = 0 AND n.nspname = ?";

    private SchemaReader() {
    }

    static String resolve(Connection connection, String database, String schema) throws SQLException {
        return Catalog.resolve(connection, "SELECT pg_catalog.current_database()", database,
                "SELECT nspname FROM pg_catalog.pg_namespace WHERE pg_catalog.lower(nspname) = pg_catalog.lower(?)"
                        + " ORDER BY nspname", schema);
    }

    /**
     * Reads a schema.
     *
     * @param keys where the nondeterministic collations of its columns are recorded
     */
    static TargetSchema read(Connection connection, String schema, KeyRules keys) throws SQLException {
        Map<String, List<ColumnInfo>> columns = new LinkedHashMap<>();
        Map<String, Map<String, String>> nondeterministic = new HashMap<>();
        Catalog.query(connection, COLUMNS, schema, rs -> {
            String table = rs.getString(1);
            String column = rs.getString(2);
            columns.computeIfAbsent(table, k -> new ArrayList<>()).add(new ColumnInfo(column, rs.getString(3),
                    rs.getString(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8)));
            String collation = rs.getString(9);
            if (collation != null) {
                nondeterministic.computeIfAbsent(table, k -> new HashMap<>()).put(column, collation);
            }
        });
        keys.recordNondeterministic(schema, nondeterministic);
        return Catalog.schema(schema, columns, Catalog.primaryKeys(connection, PRIMARY_KEYS, schema),
                Catalog.ForeignKeys.read(connection, FOREIGN_KEYS, schema, false));
    }
}
