package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Catalog;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a database's tables from {@code information_schema}: three queries (four on MariaDB, whose
 * JSON columns are LONGTEXT with a {@code json_valid} check), whatever the number of tables. Stateless.
 */
final class SchemaReader {

    /** Every column of every base table (no views). */
    private static final String COLUMNS = "SELECT c.table_name, c.column_name, c.column_type, c.data_type,"
            + " c.is_nullable = 'YES', c.column_default, c.extra, c.collation_name"
            + " FROM information_schema.columns c JOIN information_schema.tables t"
            + "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            + " WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'"
            + " ORDER BY c.table_name, c.ordinal_position";

    /** Unique indexes, the primary key among them, column by column in index order. */
    private static final String UNIQUE_INDEXES = "SELECT table_name, index_name, column_name"
            + " FROM information_schema.statistics WHERE table_schema = ? AND non_unique = 0"
            + " ORDER BY table_name, index_name, seq_in_index";

    private static final String FOREIGN_KEYS = "SELECT table_name, referenced_table_schema, referenced_table_name,"
            + " constraint_name, column_name, referenced_column_name"
            + " FROM information_schema.key_column_usage WHERE table_schema = ? AND referenced_table_name IS NOT NULL"
            + " ORDER BY table_name, constraint_name, ordinal_position";

    /** MariaDB: JSON columns are LONGTEXT with a column-level {@code CHECK (json_valid(`c`))}. */
    private static final String MARIADB_JSON_CHECKS = "SELECT table_name, check_clause"
            + " FROM information_schema.check_constraints WHERE constraint_schema = ?";
    private static final Pattern JSON_VALID = Pattern.compile("^\\s*json_valid\\(`((?:[^`]|``)+)`\\)\\s*$",
            Pattern.CASE_INSENSITIVE);

    private SchemaReader() {
    }

    /**
     * A schema and, per table name, the unique indexes other than the primary key (index name to its columns).
     *
     * @param schema       the schema
     * @param uniqueKeys   secondary unique indexes by table name; tables without any are absent
     */
    record Result(TargetSchema schema, Map<String, Map<String, List<String>>> uniqueKeys) {
    }

    static String resolve(Connection connection, String database) throws SQLException {
        String found = Catalog.match(connection, "SELECT schema_name FROM information_schema.schemata"
                + " WHERE LOWER(schema_name) = LOWER(?) ORDER BY schema_name", database);
        if (found == null) {
            throw new UnknownTargetException("unknown database \"" + database + "\": the MySQL/MariaDB target has no"
                    + " such database (webhook paths name one database: /database)");
        }
        return found;
    }

    static Result read(Connection connection, String schema, MySqlDialect.Flavor flavor) throws SQLException {
        Set<List<String>> jsonColumns = new HashSet<>();
        if (flavor == MySqlDialect.Flavor.MARIADB) {
            Catalog.query(connection, MARIADB_JSON_CHECKS, schema, rs -> {
                Matcher m = JSON_VALID.matcher(rs.getString(2));
                if (m.matches()) {
                    jsonColumns.add(List.of(rs.getString(1), m.group(1).replace("``", "`")));
                }
            });
        }
        Map<String, List<ColumnInfo>> columns = new LinkedHashMap<>();
        Catalog.query(connection, COLUMNS, schema, rs -> {
            String table = rs.getString(1);
            String name = rs.getString(2);
            String type = rs.getString(3);
            String dataType = rs.getString(4).toLowerCase(java.util.Locale.ROOT);
            String def = rs.getString(6);
            String extra = rs.getString(7) == null ? "" : rs.getString(7).toUpperCase(java.util.Locale.ROOT);
            boolean generated = extra.contains("VIRTUAL GENERATED") || extra.contains("STORED GENERATED")
                    || extra.contains("PERSISTENT GENERATED");
            // MariaDB reports a NULL default as the text NULL (string defaults are quoted)
            boolean hasDefault = def != null && !(flavor == MySqlDialect.Flavor.MARIADB && def.equals("NULL"))
                    || extra.contains("AUTO_INCREMENT") || generated;
            String kind = kind(dataType, jsonColumns.contains(List.of(table, name)));
            columns.computeIfAbsent(table, k -> new ArrayList<>())
                    .add(new ColumnInfo(name, type, kind, rs.getBoolean(5), hasDefault, generated,
                            rs.getString(8) == null ? "" : rs.getString(8)));
        });
        Map<String, List<String>> keys = new HashMap<>();
        Map<String, Map<String, List<String>>> unique = new HashMap<>();
        Catalog.query(connection, UNIQUE_INDEXES, schema, rs -> {
            String table = rs.getString(1);
            String index = rs.getString(2);
            if (index.equals("PRIMARY")) {
                keys.computeIfAbsent(table, k -> new ArrayList<>()).add(rs.getString(3));
            } else {
                unique.computeIfAbsent(table, k -> new LinkedHashMap<>())
                        .computeIfAbsent(index, k -> new ArrayList<>()).add(rs.getString(3));
            }
        });
        TargetSchema read = Catalog.schema(schema, columns, keys,
                Catalog.ForeignKeys.read(connection, FOREIGN_KEYS, schema, true));
        unique.keySet().retainAll(read.tables().keySet());
        return new Result(read, unique);
    }

    private static String kind(String dataType, boolean mariaDbJson) {
        if (mariaDbJson || dataType.equals("json")) {
            return MySqlDialect.KIND_JSON;
        }
        switch (dataType) {
            case "enum":
                return MySqlDialect.KIND_ENUM;
            case "set":
                return MySqlDialect.KIND_SET;
            case "bit":
                return MySqlDialect.KIND_BIT;
            default:
                break;
        }
        MyType.Category category = MyType.category(dataType);
        return category == MyType.Category.BINARY ? MySqlDialect.KIND_BINARY
                : category == MyType.Category.GEOMETRY ? MySqlDialect.KIND_GEOMETRY : "";
    }
}
