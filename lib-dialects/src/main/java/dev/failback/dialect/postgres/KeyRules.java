package dev.failback.dialect.postgres;

import dev.failback.TableName;
import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How PostgreSQL compares primary keys where CockroachDB keeps them apart (#15). A key column merges keys when
 * it is {@code character(n)} (trailing spaces are ignored), has a nondeterministic collation (which can ignore
 * case or accents), is {@code citext}, or rounds: {@code numeric(p,s)}, a time type with fewer than 6
 * fractional digits, {@code real}. Collisions are found by the server itself, one query per call, grouping the
 * keys as the column compares them.
 *
 * <p>Whether a collation is nondeterministic is not part of {@link ColumnInfo}: {@link SchemaReader} records it
 * here for the tables it reads, so hazards from nondeterministic collations are found for tables this
 * dialect instance read. Thread-safe.
 */
final class KeyRules implements AbstractDialect.KeyComparer {

    private static final Pattern NUMERIC = Pattern.compile("^numeric\\((\\d+),(-?\\d+)\\)$");
    private static final Pattern TIME = Pattern.compile("^(timestamp|time)\\((\\d)\\)( with(?:out)? time zone)$");
    private static final Pattern BLANK_PADDED_LENGTH = Pattern.compile("^character\\((\\d+)\\)$");
    private static final Pattern CITEXT = Pattern.compile("^(?:.+\\.)?citext$");

    /** Per table read, its columns with a nondeterministic collation: column name to the collation's SQL name. */
    private final Map<TableName, Map<String, String>> nondeterministic = new HashMap<>();

    /**
     * Replaces what was recorded for the tables of a schema.
     *
     * @param schema  the schema just read
     * @param byTable table name to (column name to the collation's schema-qualified, quoted name)
     */
    synchronized void recordNondeterministic(String schema, Map<String, Map<String, String>> byTable) {
        nondeterministic.keySet().removeIf(t -> t.schema().equals(schema));
        byTable.forEach((table, columns) -> nondeterministic.put(new TableName(schema, table), Map.copyOf(columns)));
    }

    private synchronized String nondeterministicCollation(TableName table, String column) {
        return nondeterministic.getOrDefault(table, Map.of()).get(column);
    }

    @Override
    public List<KeyHazard> hazards(TableInfo table) {
        List<KeyHazard> hazards = new ArrayList<>();
        for (Rule rule : rules(table)) {
            if (rule != null) {
                hazards.add(new KeyHazard(table.name(), rule.column.name(), rule.column.sqlType(),
                        String.join("; ", rule.folds), "ALTER TABLE " + Sql.table(table.name()) + " ALTER COLUMN "
                                + Sql.quote(rule.column.name()) + " TYPE " + rule.fixType));
            }
        }
        return hazards;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query: the keys, as the texts the writers bind, are unnested and grouped by each hazard column
     * cast to its type (with its collation) and by the other columns' exact texts; every group of more
     * than one key is a set of keys that would be one row.
     */
    @Override
    public List<KeyCollision> collisions(Connection connection, TableInfo table, List<String> keys) throws SQLException {
        Rule[] rules = rules(table);
        if (Arrays.stream(rules).allMatch(Objects::isNull)) {
            return List.of();
        }
        List<ColumnInfo> pk = Shape.keyColumns(table);
        List<String[]> texts = texts(table, pk, keys);
        StringBuilder select = new StringBuilder("SELECT array_agg(t.i ORDER BY t.i)");
        StringBuilder source = new StringBuilder(" FROM unnest(");
        StringBuilder names = new StringBuilder();
        StringBuilder group = new StringBuilder();
        for (int c = 0; c < pk.size(); c++) {
            String compared = rules[c] == null ? "t.k" + c : rules[c].compared("t.k" + c);
            if (rules[c] != null && rules[c].rounds) {
                select.append(", (").append(compared).append(")::text");
            }
            source.append(c == 0 ? "" : ", ").append("?::text[]");
            names.append('k').append(c).append(", ");
            group.append(c == 0 ? " GROUP BY " : ", ").append(compared);
        }
        String sql = select.append(source).append(") WITH ORDINALITY AS t(").append(names).append("i)").append(group)
                .append(" HAVING count(*) > 1").toString();

        SortedMap<Integer, KeyCollision> byMergedKey = new TreeMap<>();
        List<Array> arrays = new ArrayList<>(pk.size());
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int c = 0; c < pk.size(); c++) {
                String[] column = new String[texts.size()];
                for (int k = 0; k < column.length; k++) {
                    column[k] = texts.get(k)[c];
                }
                Array array = connection.createArrayOf("text", column);
                arrays.add(array);
                ps.setArray(c + 1, array);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] members = (Object[]) rs.getArray(1).getArray();
                    String[] stored = new String[pk.size()];
                    for (int c = 0, value = 2; c < pk.size(); c++) {
                        if (rules[c] != null && rules[c].rounds) {
                            stored[c] = rs.getString(value++);
                        }
                    }
                    int kept = ((Number) members[0]).intValue() - 1;
                    for (int m = 1; m < members.length; m++) {
                        int merged = ((Number) members[m]).intValue() - 1;
                        byMergedKey.put(merged, new KeyCollision(keys.get(kept), keys.get(merged),
                                because(rules, texts.get(kept), texts.get(merged), stored)));
                    }
                }
            }
        } finally {
            for (Array a : arrays) {
                a.free();
            }
        }
        return List.copyOf(byMergedKey.values());
    }

    /** The texts the writers bind for each key ({@link TextValues#of}), in key-column order. */
    private static List<String[]> texts(TableInfo table, List<ColumnInfo> pk, List<String> keys) {
        List<String[]> texts = new ArrayList<>(keys.size());
        for (String key : keys) {
            List<Json.Value> values = Json.elements(key);
            if (values.size() != pk.size()) {
                throw new IllegalArgumentException("table " + table.name() + ": key " + key + " has " + values.size()
                        + " value(s) but the primary key " + table.primaryKey() + " has " + pk.size());
            }
            String[] row = new String[pk.size()];
            for (int c = 0; c < row.length; c++) {
                row[c] = TextValues.of(values.get(c), pk.get(c));
            }
            texts.add(row);
        }
        return texts;
    }

    /** Why two keys are one row: each hazard column in which their texts differ, and how it compares them. */
    private static String because(Rule[] rules, String[] kept, String[] merged, String[] stored) {
        List<String> reasons = new ArrayList<>();
        for (int c = 0; c < rules.length; c++) {
            if (rules[c] != null && !Objects.equals(kept[c], merged[c])) {
                reasons.add(rules[c].because(stored[c]));
            }
        }
        return reasons.isEmpty() ? "both keys have the same values once read from JSON" : String.join("; ", reasons);
    }

    /** The rule of each key column, in key order: null for a column that compares keys as CockroachDB does. */
    private Rule[] rules(TableInfo table) {
        if (table.primaryKey().isEmpty()) {
            return new Rule[0];
        }
        List<ColumnInfo> pk = Shape.keyColumns(table);
        Rule[] rules = new Rule[pk.size()];
        for (int c = 0; c < rules.length; c++) {
            rules[c] = rule(pk.get(c), nondeterministicCollation(table.name(), pk.get(c).name()));
        }
        return rules;
    }

    /** The rule of one key column, or null when it compares keys as CockroachDB does. */
    private static Rule rule(ColumnInfo column, String collation) {
        String type = column.sqlType();
        Matcher numeric = NUMERIC.matcher(type);
        Matcher time = TIME.matcher(type);
        if (numeric.matches() && !numeric.group(2).equals("0")) { // numeric(p,0) holds integer keys as sent
            return new Rule(column, null, List.of(type + " rounds to " + numeric.group(2)
                    + " decimal places: numbers that differ only beyond them are one key"), "numeric", true, null);
        }
        if (time.matches() && Integer.parseInt(time.group(2)) < 6) {
            return new Rule(column, null, List.of(type + " rounds to " + time.group(2)
                    + " fractional digits of a second: times that differ only beyond them are one key"),
                    time.group(1) + "(6)" + time.group(3), true, null);
        }
        if (type.equals("real")) {
            return new Rule(column, null, List.of("real keeps single precision (about 6 significant digits):"
                    + " numbers that differ only beyond it are one key"), "double precision", true, null);
        }
        if (CITEXT.matcher(type).matches()) {
            return new Rule(column, null, List.of(type + " compares case-insensitively: 'a' and 'A' are one key"),
                    "text", false, "column " + column.name() + " " + type + " compares them as equal");
        }
        boolean blankPadded = Sql.isBlankPadded(column);
        if (!blankPadded && collation == null) {
            return null;
        }
        List<String> folds = new ArrayList<>();
        String fixType = type;
        String because;
        if (blankPadded) {
            Matcher length = BLANK_PADDED_LENGTH.matcher(type);
            fixType = length.matches() ? "varchar(" + length.group(1) + ")" : "text";
            folds.add(type + " ignores trailing spaces: 'a' and 'a ' are one key");
            because = "column " + column.name() + " " + type + " ignores trailing spaces";
        } else {
            because = "";
        }
        if (collation != null) {
            fixType += " COLLATE \"C\"";
            String name = Sql.quote(column.collation());
            folds.add("nondeterministic collation " + name + " compares different texts as equal"
                    + " (such as 'a' and 'A' when it ignores case)");
            because = blankPadded ? because + " and its collation " + name + " compares them as equal"
                    : "collation " + name + " of column " + column.name() + " compares them as equal";
        }
        return new Rule(column, collation, folds, fixType, false, because);
    }

    /**
     * How one key column merges keys.
     *
     * @param column    the column
     * @param collation its nondeterministic collation as SQL names it, or null
     * @param folds     what it merges, one entry per cause
     * @param fixType   the type (and collation) that keeps keys apart
     * @param rounds    whether it stores a rounded value, which {@link #because} then names
     * @param because   why it merges two keys, for a column that does not round
     */
    private record Rule(ColumnInfo column, String collation, List<String> folds, String fixType, boolean rounds,
            String because) {

        /** The key text {@code text} as the column compares it. */
        String compared(String text) {
            String cast = "(" + Writer.KeyCast.COLUMN_COMPARISON.convert(text, column) + ")";
            return collation == null ? cast : cast + " COLLATE " + collation;
        }

        /** Why two keys that differ in this column are one row. */
        String because(String storedValue) {
            return rounds ? "column " + column.name() + " " + column.sqlType() + " stores both as " + storedValue : because;
        }
    }
}
