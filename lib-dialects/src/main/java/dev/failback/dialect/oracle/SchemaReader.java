package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.Catalog;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an owner's tables from the Oracle data dictionary ({@code ALL_USERS}, {@code ALL_TABLES},
 * {@code ALL_TAB_COLS}, {@code ALL_CONSTRAINTS}, {@code ALL_CONS_COLUMNS}), unqualified as through
 * Oracle's public synonyms. Tests run the same SQL on H2 over compatibility views of the same names
 * (test resource {@code oracle/h2-oracle-catalog.sql}). A column's collation ({@code ALL_TAB_COLS.COLLATION},
 * {@code BINARY_CI}, {@code USING_NLS_COMP}) is read where the dictionary has it, Oracle 12.2 and later, and is
 * empty otherwise and for columns that are not text. Stateless.
 */
final class SchemaReader {

    private static final String USERS = "SELECT USERNAME FROM ALL_USERS WHERE UPPER(USERNAME) = UPPER(?) ORDER BY USERNAME";

    /** Tables proper: no nested tables, secondary (domain index) tables, IOT overflow segments or recycle bin. */
    private static final String TABLE_FILTER = " AND t.NESTED = 'NO' AND t.SECONDARY = 'N' AND t.DROPPED = 'NO'"
            + " AND (t.IOT_TYPE IS NULL OR t.IOT_TYPE = 'IOT')";

    /**
     * Visible columns; {@code %s} is {@code c.COLLATION} where the dictionary has it (Oracle 12.2 and later),
     * else {@code NULL}. {@code DATA_DEFAULT} is a LONG, so it comes last and is only fetched.
     */
    private static final String COLUMNS = "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.DATA_LENGTH,"
            + " c.DATA_PRECISION, c.DATA_SCALE, c.CHAR_LENGTH, c.CHAR_USED, c.NULLABLE, c.VIRTUAL_COLUMN, %s, c.DATA_DEFAULT"
            + " FROM ALL_TAB_COLS c JOIN ALL_TABLES t ON t.OWNER = c.OWNER AND t.TABLE_NAME = c.TABLE_NAME"
            + " WHERE c.OWNER = ? AND c.HIDDEN_COLUMN = 'NO'" + TABLE_FILTER
            + " ORDER BY c.TABLE_NAME, c.COLUMN_ID";

    private static final String PRIMARY_KEYS = "SELECT k.TABLE_NAME, cc.COLUMN_NAME"
            + " FROM ALL_CONSTRAINTS k JOIN ALL_CONS_COLUMNS cc"
            + " ON cc.OWNER = k.OWNER AND cc.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND cc.TABLE_NAME = k.TABLE_NAME"
            + " WHERE k.OWNER = ? AND k.CONSTRAINT_TYPE = 'P'"
            + " ORDER BY k.TABLE_NAME, cc.POSITION";

    /** Foreign keys (R) and the primary or unique key (P, U) each references. */
    private static final String FOREIGN_KEYS = "SELECT k.TABLE_NAME, r.OWNER, r.TABLE_NAME, k.CONSTRAINT_NAME,"
            + " kc.COLUMN_NAME, rc.COLUMN_NAME"
            + " FROM ALL_CONSTRAINTS k JOIN ALL_CONSTRAINTS r"
            + " ON r.OWNER = k.R_OWNER AND r.CONSTRAINT_NAME = k.R_CONSTRAINT_NAME"
            + " JOIN ALL_CONS_COLUMNS kc ON kc.OWNER = k.OWNER AND kc.CONSTRAINT_NAME = k.CONSTRAINT_NAME"
            + " JOIN ALL_CONS_COLUMNS rc ON rc.OWNER = r.OWNER AND rc.CONSTRAINT_NAME = r.CONSTRAINT_NAME"
            + " AND rc.POSITION = kc.POSITION"
            + " WHERE k.OWNER = ? AND k.CONSTRAINT_TYPE = 'R' AND r.CONSTRAINT_TYPE IN ('P', 'U')"
            + " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, kc.POSITION";

    private SchemaReader() {
    }

    /** Owner matched exactly, then upper-cased, then ignoring case. */
    static String resolve(Connection connection, String owner) throws SQLException {
        List<String> candidates = new ArrayList<>();
        Catalog.query(connection, USERS, owner, rs -> candidates.add(rs.getString(1)));
        if (candidates.contains(owner)) {
            return owner;
        }
        String upper = dev.failback.spi.Identifiers.upperAscii(owner); // ASCII letters only, as Oracle folds names
        if (candidates.contains(upper)) {
            return upper;
        }
        candidates.removeIf(c -> !dev.failback.spi.Identifiers.equalsIgnoreAsciiCase(c, owner));
        if (candidates.isEmpty()) {
            throw new UnknownTargetException("unknown schema \"" + owner + "\": the target has no user (owner) \""
                    + upper + "\"");
        }
        return candidates.get(0);
    }

    static TargetSchema read(Connection connection, String owner) throws SQLException {
        Map<String, List<ColumnInfo>> columns = new LinkedHashMap<>();
        String collation = hasCollation(connection) ? "c.COLLATION" : "NULL";
        Catalog.query(connection, String.format(COLUMNS, collation), owner, rs -> {
            String table = rs.getString(1);
            String column = rs.getString(2);
            String sqlType = format(rs.getString(3), intOrNull(rs, 4), intOrNull(rs, 5), intOrNull(rs, 6),
                    intOrNull(rs, 7), rs.getString(8));
            boolean nullable = !"N".equals(rs.getString(9));
            boolean virtual = "YES".equals(rs.getString(10));
            String columnCollation = rs.getString(11);
            String dataDefault = rs.getString(12);
            boolean hasDefault = !virtual && dataDefault != null && !dataDefault.isBlank()
                    && !dataDefault.trim().equalsIgnoreCase("NULL");
            columns.computeIfAbsent(table, k -> new ArrayList<>()).add(new ColumnInfo(column, sqlType,
                    OracleType.parse(sqlType).kind().label, nullable, hasDefault, virtual,
                    columnCollation == null ? "" : columnCollation));
        });
        return Catalog.schema(owner, columns, Catalog.primaryKeys(connection, PRIMARY_KEYS, owner),
                Catalog.ForeignKeys.read(connection, FOREIGN_KEYS, owner, true));
    }

    /** Whether {@code ALL_TAB_COLS} has {@code COLLATION} (Oracle 12.2 and later; not H2's emulation). */
    private static boolean hasCollation(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM ALL_TAB_COLS WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if ("COLLATION".equalsIgnoreCase(md.getColumnLabel(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Formats a dictionary type Oracle-style: {@code NUMBER(12,2)}, {@code NUMBER(19)}, {@code NUMBER}
     * (no precision), {@code NUMBER(38)} (INTEGER: no precision, scale 0), {@code FLOAT(126)},
     * {@code VARCHAR2(255 CHAR)}, {@code CHAR(1 BYTE)}, {@code NVARCHAR2(10)}, {@code RAW(16)};
     * {@code DATE}, {@code TIMESTAMP(6) WITH TIME ZONE}, {@code CLOB}, {@code BLOB},
     * {@code BINARY_DOUBLE} and others as the dictionary spells them.
     */
    static String format(String dataType, Integer dataLength, Integer precision, Integer scale, Integer charLength,
            String charUsed) {
        switch (dataType) {
            case "NUMBER":
                if (precision == null) {
                    return scale == null ? "NUMBER" : scale == 0 ? "NUMBER(38)" : "NUMBER(38," + scale + ")";
                }
                return scale == null || scale == 0 ? "NUMBER(" + precision + ")" : "NUMBER(" + precision + "," + scale + ")";
            case "FLOAT":
                return precision == null ? "FLOAT" : "FLOAT(" + precision + ")";
            case "VARCHAR2":
            case "CHAR":
                return dataType + "(" + charLength + ("B".equals(charUsed) ? " BYTE)" : " CHAR)");
            case "NVARCHAR2":
            case "NCHAR":
                return dataType + "(" + charLength + ")";
            case "RAW":
                return "RAW(" + dataLength + ")";
            default:
                return dataType;
        }
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
