package dev.failback.dialect.mysql;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.ForeignKey;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
            + " c.is_nullable = 'YES', c.column_default, c.extra"
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
        String folded = null;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT schema_name FROM information_schema.schemata WHERE LOWER(schema_name) = LOWER(?)"
                        + " ORDER BY schema_name")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.equals(database)) {
                        return name;
                    }
                    if (folded == null && dev.failback.spi.Identifiers.equalsIgnoreAsciiCase(name, database)) {
                        folded = name; // LOWER() and the collation also fold non-ASCII look-alikes
                    }
                }
            }
        }
        if (folded == null) {
            throw new UnknownTargetException("unknown database \"" + database + "\": the MySQL/MariaDB target has no"
                    + " such database (webhook paths name one database: /database)");
        }
        return folded;
    }

    static Result read(Connection connection, String schema, MySqlDialect.Flavor flavor) throws SQLException {
        Set<List<String>> jsonColumns = new HashSet<>();
        if (flavor == MySqlDialect.Flavor.MARIADB) {
            try (PreparedStatement ps = connection.prepareStatement(MARIADB_JSON_CHECKS)) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Matcher m = JSON_VALID.matcher(rs.getString(2));
                        if (m.matches()) {
                            jsonColumns.add(List.of(rs.getString(1), m.group(1).replace("``", "`")));
                        }
                    }
                }
            }
        }
        Map<String, List<ColumnInfo>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
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
                            .add(new ColumnInfo(name, type, kind, rs.getBoolean(5), hasDefault, generated));
                }
            }
        }
        Map<String, List<String>> keys = new HashMap<>();
        Map<String, Map<String, List<String>>> unique = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(UNIQUE_INDEXES)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    String index = rs.getString(2);
                    if (index.equals("PRIMARY")) {
                        keys.computeIfAbsent(table, k -> new ArrayList<>()).add(rs.getString(3));
                    } else {
                        unique.computeIfAbsent(table, k -> new LinkedHashMap<>())
                                .computeIfAbsent(index, k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
        }
        Map<String, Set<TableName>> parents = new HashMap<>();
        Map<String, Map<String, List<String[]>>> fkColumns = new HashMap<>();
        Map<String, TableName> fkParent = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(FOREIGN_KEYS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableName parent = new TableName(rs.getString(2), rs.getString(3));
                    parents.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(parent);
                    fkParent.put(rs.getString(1) + "\u0000" + rs.getString(4), parent);
                    fkColumns.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(4), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(5), rs.getString(6)});
                }
            }
        }
        Map<String, TableInfo> tables = new LinkedHashMap<>();
        for (Map.Entry<String, List<ColumnInfo>> e : columns.entrySet()) {
            String name = e.getKey();
            List<ForeignKey> fks = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> fk : fkColumns.getOrDefault(name, Map.of()).entrySet()) {
                fks.add(new ForeignKey(fkParent.get(name + "\u0000" + fk.getKey()),
                        fk.getValue().stream().map(c -> c[0]).toList(), fk.getValue().stream().map(c -> c[1]).toList()));
            }
            tables.put(name, new TableInfo(new TableName(schema, name), e.getValue(),
                    keys.getOrDefault(name, List.of()), parents.getOrDefault(name, Set.of()), fks));
        }
        unique.keySet().retainAll(tables.keySet());
        return new Result(new TargetSchema(schema, tables), unique);
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
            case "binary":
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return MySqlDialect.KIND_BINARY;
            case "geometry":
            case "point":
            case "linestring":
            case "polygon":
            case "multipoint":
            case "multilinestring":
            case "multipolygon":
            case "geometrycollection":
            case "geomcollection":
                return MySqlDialect.KIND_GEOMETRY;
            default:
                return "";
        }
    }
}
