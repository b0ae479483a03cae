package dev.failback.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.dialect.internal.Json;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key matrix of issue #15, modelled on MOLT Replicator's {@code TestAllDataTypes}: every CockroachDB
 * type that can be a primary key, mapped to the type a migrated schema has on the target, with several
 * keys per type as the exact JSON text a changefeed sends (extremes, exponent forms, negative zero,
 * non-ASCII, six fractional digits, zones), and with keys more precise than their column. For each
 * case, one table {@code (k1 [, k2], v UNIQUE, PRIMARY KEY (k1 [, k2]))} (the unique {@code v} makes a
 * MySQL upsert guarded, so its key check runs too) and, in a few calls of the dialect:
 * <ol>
 * <li>upsert every key (v = a<i>i</i>): the stored keys are exactly the expected texts;</li>
 * <li>upsert the same keys again with another v: still one row per key, each with the new v;</li>
 * <li>delete every other key by the same source key: exactly the other rows remain;</li>
 * <li>delete the rest: the table is empty.</li>
 * </ol>
 * Each dialect's {@code KeyMatrixIT} supplies the cases (the stored texts are that dialect's; the
 * docs/targets.md's type table lists them) and a {@link Target}.
 */
public final class KeyMatrix {

    private KeyMatrix() {
    }

    /**
     * One source key and what the target stores for it.
     *
     * @param json   the JSON text of each key column, as the changefeed sends it
     * @param stored the text each key column reads back as (through the case's render expression)
     */
    public record Key(List<String> json, List<String> stored) {
    }

    /**
     * One key type.
     *
     * @param name    a short name, also the table's name suffix
     * @param types   the SQL type of each key column
     * @param renders how each key column is read back: a SQL expression with {@code %s} for the column
     * @param keys    the keys, distinct in the source and on the target
     */
    public record Case(String name, List<String> types, List<String> renders, List<Key> keys) {
        @Override
        public String toString() {
            return name + " " + types;
        }
    }

    /** A key of one column: its JSON text and the stored text. */
    public static Key key(String json, String stored) {
        return new Key(List.of(json), List.of(stored));
    }

    /** A key of two columns: each column's JSON text and stored text. */
    public static Key key(String json1, String stored1, String json2, String stored2) {
        return new Key(List.of(json1, json2), List.of(stored1, stored2));
    }

    /** A one-column key case. */
    public static Case one(String name, String type, String render, Key... keys) {
        return new Case(name, List.of(type), List.of(render), List.of(keys));
    }

    /** A two-column key case. */
    public static Case two(String name, String type1, String render1, String type2, String render2, Key... keys) {
        return new Case(name, List.of(type1, type2), List.of(render1, render2), List.of(keys));
    }

    /** A JSON string literal. */
    public static String str(String s) {
        return Json.quote(s);
    }

    /** What a dialect test gives the runner: a table namespace, SQL, and the dialect's upsert and delete. */
    public interface Target {
        /** The SQL name of a table created with the unquoted name {@code table}. */
        String sqlName(String table);

        /** The type of column {@code v}. */
        String textType();

        void exec(String sql) throws SQLException;

        /** Rows of column texts. */
        List<List<String>> query(String sql) throws SQLException;

        /** Upserts in one dialect call (one transaction): each element is {key JSON, after JSON}. */
        void upsert(String table, List<String[]> rows) throws SQLException;

        /** Deletes by key in one dialect call (one transaction). */
        void delete(String table, List<String> keys) throws SQLException;
    }

    /** Runs one case in table {@code k_<case>_<suffix>}, then drops it. */
    public static void run(Target target, Case c, String suffix) throws SQLException {
        String table = "k_" + c.name() + "_" + suffix;
        String sqlName = target.sqlName(table);
        int width = c.types().size();
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(sqlName).append(" (");
        StringBuilder pk = new StringBuilder();
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < width; i++) {
            ddl.append("k").append(i + 1).append(' ').append(c.types().get(i)).append(", ");
            pk.append(i == 0 ? "" : ", ").append("k").append(i + 1);
            select.append(String.format(c.renders().get(i), "k" + (i + 1))).append(", ");
        }
        ddl.append("v ").append(target.textType()).append(" UNIQUE, PRIMARY KEY (").append(pk).append("))");
        select.append("v FROM ").append(sqlName);
        target.exec(ddl.toString());
        try {
            List<Key> keys = c.keys();
            target.upsert(table, rows(keys, "a"));
            assertThat(target.query(select.toString())).as("%s after insert", c)
                    .containsExactlyInAnyOrderElementsOf(expected(keys, "a", 0, 1));

            target.upsert(table, rows(keys, "b"));
            assertThat(target.query(select.toString())).as("%s after update", c)
                    .containsExactlyInAnyOrderElementsOf(expected(keys, "b", 0, 1));

            target.delete(table, keyTexts(keys, 0));
            assertThat(target.query(select.toString())).as("%s after deleting every other key", c)
                    .containsExactlyInAnyOrderElementsOf(expected(keys, "b", 1, 2));

            target.delete(table, keyTexts(keys, 1));
            assertThat(target.query(select.toString())).as("%s after deleting the rest", c).isEmpty();
        } finally {
            target.exec("DROP TABLE " + sqlName);
        }
    }

    private static List<String[]> rows(List<Key> keys, String v) {
        List<String[]> rows = new ArrayList<>();
        for (int r = 0; r < keys.size(); r++) {
            List<String> json = keys.get(r).json();
            StringBuilder after = new StringBuilder("{");
            for (int i = 0; i < json.size(); i++) {
                after.append("\"k").append(i + 1).append("\": ").append(json.get(i)).append(", ");
            }
            after.append("\"v\": \"").append(v).append(r).append("\"}");
            rows.add(new String[] {keyText(json), after.toString()});
        }
        return rows;
    }

    /** Keys {@code from}, {@code from + 2}, ... as JSON arrays. */
    private static List<String> keyTexts(List<Key> keys, int from) {
        List<String> out = new ArrayList<>();
        for (int r = from; r < keys.size(); r += 2) {
            out.add(keyText(keys.get(r).json()));
        }
        return out;
    }

    private static String keyText(List<String> json) {
        return "[" + String.join(", ", json) + "]";
    }

    /** The rows {@code from}, {@code from + step}, ...: stored key texts and v. */
    private static List<List<String>> expected(List<Key> keys, String v, int from, int step) {
        List<List<String>> out = new ArrayList<>();
        for (int r = from; r < keys.size(); r += step) {
            List<String> row = new ArrayList<>(keys.get(r).stored());
            row.add(v + r);
            out.add(row);
        }
        return out;
    }

    /** The number of keys in all cases (for a report line). */
    public static int keyCount(List<Case> cases) {
        return cases.stream().mapToInt(c -> c.keys().size()).sum();
    }

    /** Convenience for a list of cases. */
    public static List<Case> cases(Case... cases) {
        return Arrays.asList(cases);
    }
}
