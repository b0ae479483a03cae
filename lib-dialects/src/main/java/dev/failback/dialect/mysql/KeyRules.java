package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How MySQL and MariaDB compare primary keys, where that differs from CockroachDB (which compares
 * strings byte by byte and never rounds a key): collations that ignore case, accents or trailing
 * spaces ({@code utf8mb4_general_ci}, the servers' default, and every {@code _bin} collation but the
 * no-pad ones), {@code CHAR(n)} (trailing spaces are dropped on storage), {@code DECIMAL(p,s)} (rounds
 * to its scale), {@code DATETIME}, {@code TIMESTAMP} and {@code TIME} below microseconds, and
 * {@code FLOAT} (single precision).
 *
 * <p>Collisions are found by the server itself, in one query per table and window: the window's keys,
 * converted as the writers bind them, become rows of {@code JSON_TABLE} (MySQL 8.0.4+, MariaDB 10.6+),
 * grouped by each hazardous column as the column compares it ({@code COLLATE}, {@code CAST}) and by the
 * other key columns byte by byte. Stateless.
 */
final class KeyRules implements AbstractDialect.KeyComparer {
    private final MySqlDialect.Flavor flavor;

    KeyRules(MySqlDialect.Flavor flavor) {
        this.flavor = flavor;
    }

    /** The collation that compares as CockroachDB does, on this server. */
    private String binaryCollation() {
        return flavor == MySqlDialect.Flavor.MARIADB ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    }

    @Override
    public List<KeyHazard> hazards(TableInfo table) {
        List<KeyHazard> hazards = new ArrayList<>();
        for (String name : table.primaryKey()) {
            ColumnInfo column = table.column(name);
            String folds = column == null ? null : folds(column);
            if (folds != null) {
                hazards.add(new KeyHazard(table.name(), column.name(), column.sqlType(), folds, fix(table, column)));
            }
        }
        return hazards;
    }

    /** What a key column merges, or null when it keeps apart what CockroachDB keeps apart. */
    private static String folds(ColumnInfo column) {
        MyType type = MyType.of(column);
        String sqlType = column.sqlType().toLowerCase(Locale.ROOT);
        switch (type.category()) {
            case DECIMAL:
                // DECIMAL(p,0) holds the integer keys a migrated INT8 column sends; only a scale rounds what CockroachDB keeps
                return type.scale() > 0 ? "rounds to " + type.scale() + " decimal places" : null;
            case FLOAT:
                return type.name().equals("float") ? "keeps single precision (about 7 digits)" : null;
            case DATETIME:
            case TIMESTAMP:
            case TIME:
                return fractionalDigits(type) < 6 ? "keeps " + fractionalDigits(type) + " fractional digits of a second"
                        + " (CockroachDB keeps 6)" : null;
            case TEXT:
                break;
            default:
                return null;
        }
        String collation = column.collation().toLowerCase(Locale.ROOT);
        List<String> merges = new ArrayList<>();
        if (!collation.isEmpty() && !collation.equals("binary") && !collation.endsWith("_bin")) {
            if (collation.contains("_ci")) {
                merges.add("'a' = 'A'");
            }
            if (collation.contains("_ai") || collation.contains("_ci") && !collation.contains("_as")) {
                merges.add("'e' = 'é'");
            }
            if (merges.isEmpty()) {
                merges.add("composed = decomposed 'é'");
            }
        }
        boolean padSpace = !collation.isEmpty() && !collation.equals("binary") && !collation.contains("nopad")
                && !collation.contains("_0900_");
        if (sqlType.startsWith("char(") || padSpace) {
            merges.add("'a' = 'a '");
        }
        if (merges.isEmpty()) {
            return null;
        }
        return (sqlType.startsWith("char(") && !padSpace && merges.size() == 1 ? "char(n) drops trailing spaces, so"
                : "collation " + column.collation() + " compares") + " " + String.join(", ", merges);
    }

    private static int fractionalDigits(MyType type) {
        return Math.max(0, type.length());
    }

    /** The statement that makes the column compare keys as CockroachDB does. */
    private String fix(TableInfo table, ColumnInfo column) {
        MyType type = MyType.of(column);
        String target;
        switch (type.category()) {
            case DECIMAL:
                target = "decimal(P,S)";
                break;
            case FLOAT:
                target = "double";
                break;
            case DATETIME:
            case TIMESTAMP:
            case TIME:
                target = type.name() + "(6)";
                break;
            default:
                String length = column.sqlType().replaceAll("(?i)^(?:var)?char", "");
                target = (length.startsWith("(") ? "varchar" + length : column.sqlType()) + " CHARACTER SET utf8mb4 COLLATE "
                        + binaryCollation();
        }
        return "ALTER TABLE " + Sql.table(table.name()) + " MODIFY " + Sql.quote(column.name()) + " " + target
                + (column.nullable() ? "" : " NOT NULL") + (type.category() == MyType.Category.DECIMAL
                        ? ", with S at least the source column's scale and P - S at least its integer digits" : "");
    }

    @Override
    public List<KeyCollision> collisions(Connection connection, TableInfo table, List<String> keys) throws SQLException {
        List<ColumnInfo> pk = new ArrayList<>(table.primaryKey().size());
        List<String> why = new ArrayList<>();
        StringBuilder columns = new StringBuilder();
        StringBuilder groupBy = new StringBuilder();
        for (int i = 0; i < table.primaryKey().size(); i++) {
            ColumnInfo column = table.column(table.primaryKey().get(i));
            pk.add(column);
            String folds = folds(column);
            if (folds != null) {
                why.add("column " + column.name() + " " + column.sqlType() + ": " + folds);
            }
            columns.append(", k").append(i).append(" LONGTEXT CHARACTER SET utf8mb4 PATH '$[").append(i).append("]'");
            groupBy.append(i == 0 ? "" : ", ").append(comparison(column, "k" + i, folds != null));
        }
        // one row per key that merges into an earlier one, with that earlier one (no GROUP_CONCAT: MySQL cuts it
        // at group_concat_max_len, 1024 bytes by default)
        String partition = " OVER (PARTITION BY " + groupBy + ")";
        String sql = "SELECT i, first FROM (SELECT i, MIN(i)" + partition + " AS first FROM JSON_TABLE(?, '$[*]'"
                + " COLUMNS(i FOR ORDINALITY" + columns + ")) j) t WHERE i <> first ORDER BY i";
        StringBuilder json = new StringBuilder(keys.size() * 16).append('[');
        for (int r = 0; r < keys.size(); r++) {
            List<Json.Value> values = Json.elements(keys.get(r));
            json.append(r == 0 ? "[" : ",[");
            for (int i = 0; i < pk.size(); i++) {
                json.append(i == 0 ? "" : ",").append(Json.quote(i < values.size() ? bound(values.get(i), pk.get(i)) : ""));
            }
            json.append(']');
        }
        json.append(']');
        List<KeyCollision> found = new ArrayList<>();
        String because = String.join("; ", why);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, json.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new KeyCollision(keys.get(rs.getInt(2) - 1), keys.get(rs.getInt(1) - 1), because));
                }
            }
        }
        return found;
    }

    /** How the server compares a key column's values: as the column does when it is hazardous, else byte by byte. */
    private static String comparison(ColumnInfo column, String k, boolean hazardous) {
        MyType type = MyType.of(column);
        if (!hazardous) {
            return "CAST(" + k + " AS BINARY)";
        }
        switch (type.category()) {
            case FLOAT:
                return "CAST(" + k + " AS FLOAT)";
            case DATETIME:
            case TIMESTAMP:
                return "CAST(" + k + " AS DATETIME(" + fractionalDigits(type) + "))";
            case TIME:
                return "CAST(" + k + " AS TIME(" + fractionalDigits(type) + "))";
            case DECIMAL:
                return "CAST(" + k + " AS BINARY)"; // bound already rounded to the column's scale
            default:
                String text = column.sqlType().toLowerCase(Locale.ROOT).startsWith("char(")
                        ? "TRIM(TRAILING ' ' FROM " + k + ")" : k;
                String collation = column.collation();
                if (collation.isEmpty() || collation.equalsIgnoreCase("binary")) {
                    return "CAST(" + text + " AS BINARY)";
                }
                String charset = collation.substring(0, collation.indexOf('_') < 0 ? collation.length()
                        : collation.indexOf('_'));
                return "CONVERT(" + text + " USING " + charset + ") COLLATE " + collation;
        }
    }

    /** A key value as text, in the form the writers bind it (see {@link Values#bind}). */
    private static String bound(Json.Value value, ColumnInfo column) {
        MyType type = MyType.of(column);
        String text = value.text();
        switch (type.category()) {
            case DECIMAL:
                BigDecimal d = Values.decimal(text, type);
                if (d == null) {
                    return text;
                }
                int scale = Math.max(0, type.scale());
                return (d.scale() < scale ? d.setScale(scale) : d).toPlainString();
            case BINARY:
                return HexFormat.of().formatHex(Values.bytes(value, type));
            case DATE:
            case DATETIME:
            case TIMESTAMP:
                return value.kind() == Json.Kind.STRING ? Values.dateTime(text) : text;
            case TIME:
                return value.kind() == Json.Kind.STRING ? Values.time(text) : text;
            default:
                return text == null ? "" : text;
        }
    }
}
