package dev.failback.dialect.internal;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.ForeignKey;
import dev.failback.spi.Identifiers;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the dialects' schema readers do alike: catalog queries keyed by one name, name matching that
 * folds ASCII case only, and the assembly of a {@link TargetSchema} from columns, primary keys and
 * foreign keys. Internal: not for applications.
 */
public final class Catalog {
    private Catalog() {
    }

    /** Takes one row of a catalog query. */
    @FunctionalInterface
    public interface Row {
        /**
         * Takes the current row.
         *
         * @param rs the result set, on the row
         * @throws SQLException when a column cannot be read
         */
        void accept(ResultSet rs) throws SQLException;
    }

    /**
     * Runs a catalog query whose one parameter is a name, handing over every row.
     *
     * @param connection a connection
     * @param sql        the query
     * @param name       its parameter
     * @param row        what takes each row
     * @throws SQLException when the query fails
     */
    public static void query(Connection connection, String sql, String name, Row row) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    /**
     * Finds a name among the names a query returns (column 1): the exact one, else the first that equals
     * it ignoring ASCII case (SQL {@code lower()} and collations also fold non-ASCII look-alikes, which the
     * target keeps apart).
     *
     * @param connection a connection
     * @param sql        the query, given the name as its parameter
     * @param name       the name sought
     * @return the name as the catalog spells it, or null when there is none
     * @throws SQLException when the query fails
     */
    public static String match(Connection connection, String sql, String name) throws SQLException {
        List<String> found = new ArrayList<>();
        query(connection, sql, name, rs -> found.add(rs.getString(1)));
        if (found.contains(name)) {
            return name;
        }
        return found.stream().filter(n -> Identifiers.equalsIgnoreAsciiCase(n, name)).findFirst().orElse(null);
    }

    /**
     * Resolves {@code /database/schema} on PostgreSQL-wire targets: the database must be the connected
     * one, exactly or ignoring ASCII case; the schema is matched exactly first, then ignoring ASCII case.
     *
     * @param connection a target connection
     * @param current    the query for the connected database's name
     * @param database   the path's database segment
     * @param schemas    the query for schema names that equal a name ignoring case
     * @param schema     the path's schema segment
     * @return the schema as the catalog spells it
     * @throws SQLException when the target is unreachable
     * @throws UnknownTargetException when either does not exist
     */
    public static String resolve(Connection connection, String current, String database, String schemas,
            String schema) throws SQLException {
        String connected;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(current)) {
            rs.next();
            connected = rs.getString(1);
        }
        if (!Identifiers.equalsIgnoreAsciiCase(connected, database)) {
            throw new UnknownTargetException("unknown database \"" + database + "\": the target is connected to \""
                    + connected + "\"");
        }
        String found = Catalog.match(connection, schemas, schema);
        if (found == null) {
            throw new UnknownTargetException("unknown schema \"" + database + "." + schema + "\": database \""
                    + connected + "\" has no such schema");
        }
        return found;
    }

    /**
     * Reads primary keys: rows of (table, column), in key order.
     *
     * @param connection a connection
     * @param sql        the query, given the schema
     * @param schema     the schema
     * @return key columns by table name
     * @throws SQLException when the query fails
     */
    public static Map<String, List<String>> primaryKeys(Connection connection, String sql, String schema)
            throws SQLException {
        Map<String, List<String>> keys = new HashMap<>();
        query(connection, sql, schema,
                rs -> keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
        return keys;
    }

    /**
     * Builds a schema's tables, in the order of {@code columns}.
     *
     * @param schema      the schema
     * @param columns     columns by table name
     * @param keys        primary-key columns by table name
     * @param foreignKeys the foreign keys read
     * @return the schema
     */
    public static TargetSchema schema(String schema, Map<String, List<ColumnInfo>> columns,
            Map<String, List<String>> keys, ForeignKeys foreignKeys) {
        Map<String, TableInfo> tables = new LinkedHashMap<>();
        for (Map.Entry<String, List<ColumnInfo>> e : columns.entrySet()) {
            String name = e.getKey();
            tables.put(name, new TableInfo(new TableName(schema, name), e.getValue(), keys.getOrDefault(name, List.of()),
                    foreignKeys.parents.getOrDefault(name, Set.of()), foreignKeys.of(name)));
        }
        return new TargetSchema(schema, tables);
    }

    /** Foreign keys as read from the catalog, by child table. */
    public static final class ForeignKeys {
        private final Map<String, Set<TableName>> parents = new HashMap<>();
        private final Map<String, Map<String, List<String[]>>> columns = new HashMap<>();
        private final Map<String, TableName> parentOf = new HashMap<>();

        /**
         * Reads foreign keys: rows of (table, parent schema, parent table), and with {@code withColumns}
         * also (constraint, column, parent column), one row per column pair in key order.
         *
         * @param connection  a connection
         * @param sql         the query, given the schema
         * @param schema      the schema
         * @param withColumns whether the rows carry the columns
         * @return the foreign keys
         * @throws SQLException when the query fails
         */
        public static ForeignKeys read(Connection connection, String sql, String schema, boolean withColumns)
                throws SQLException {
            ForeignKeys fks = new ForeignKeys();
            query(connection, sql, schema, rs -> {
                TableName parent = new TableName(rs.getString(2), rs.getString(3));
                fks.parents.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(parent);
                if (withColumns) {
                    fks.parentOf.put(rs.getString(1) + "\u0000" + rs.getString(4), parent);
                    fks.columns.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(4), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(5), rs.getString(6)});
                }
            });
            return fks;
        }

        private List<ForeignKey> of(String table) {
            List<ForeignKey> fks = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> fk : columns.getOrDefault(table, Map.of()).entrySet()) {
                fks.add(new ForeignKey(parentOf.get(table + "\u0000" + fk.getKey()),
                        fk.getValue().stream().map(c -> c[0]).toList(), fk.getValue().stream().map(c -> c[1]).toList()));
            }
            return fks;
        }
    }
}
