package dev.failback.core.internal.apply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.failback.Mutation;
import dev.failback.spi.ForeignKey;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Orders the upserts of a self-referencing table (an employee's manager is an employee) so that a row
 * comes after the rows of the same batch it points at. PostgreSQL checks foreign keys at the end of
 * each statement and does not need this; MySQL, MariaDB and Oracle (batched statements) check row by
 * row. Rows on a reference cycle keep their order (the database decides). Thread-safe.
 */
final class SelfReferenceOrder {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build()).build();

    private SelfReferenceOrder() {
    }

    /**
     * Returns the rows, parents before the rows that reference them.
     *
     * @param table the table
     * @param rows  upserts of distinct keys
     * @return the rows in a safe order (the same list when the table has no self-reference)
     */
    static List<Mutation> parentsFirst(TableInfo table, List<Mutation> rows) {
        List<ForeignKey> self = table.selfReferences();
        if (self.isEmpty() || rows.size() < 2) {
            return rows;
        }
        List<Map<String, String>> values = new ArrayList<>(rows.size());
        for (Mutation m : rows) {
            values.add(scalars(m.after()));
        }
        // identity of each row as a parent, per foreign key
        List<Map<String, Integer>> byParentKey = new ArrayList<>();
        for (ForeignKey fk : self) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                String k = tuple(values.get(i), fk.parentColumns());
                if (k != null) {
                    index.putIfAbsent(k, i);
                }
            }
            byParentKey.add(index);
        }
        List<List<Integer>> parentsOf = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<Integer> parents = new ArrayList<>(1);
            for (int f = 0; f < self.size(); f++) {
                String ref = tuple(values.get(i), self.get(f).columns());
                Integer p = ref == null ? null : byParentKey.get(f).get(ref);
                if (p != null && p != i) {
                    parents.add(p);
                }
            }
            parentsOf.add(parents);
        }
        int[] state = new int[rows.size()]; // 0 new, 1 visiting, 2 done
        List<Mutation> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            visit(i, rows, parentsOf, state, out);
        }
        return out;
    }

    private static void visit(int start, List<Mutation> rows, List<List<Integer>> parentsOf, int[] state,
            List<Mutation> out) {
        if (state[start] != 0) {
            return;
        }
        // iterative depth-first search: chains of managers can be long
        ArrayList<int[]> stack = new ArrayList<>();
        stack.add(new int[] {start, 0});
        state[start] = 1;
        while (!stack.isEmpty()) {
            int[] top = stack.get(stack.size() - 1);
            List<Integer> parents = parentsOf.get(top[0]);
            if (top[1] < parents.size()) {
                int p = parents.get(top[1]++);
                if (state[p] == 0) {
                    state[p] = 1;
                    stack.add(new int[] {p, 0});
                }
            } else {
                state[top[0]] = 2;
                out.add(rows.get(top[0]));
                stack.remove(stack.size() - 1);
            }
        }
    }

    /** The values of some columns as one comparable text, or null when any is NULL or absent. */
    private static String tuple(Map<String, String> row, List<String> columns) {
        StringBuilder b = new StringBuilder();
        for (String c : columns) {
            String v = row.get(c.toLowerCase(Locale.ROOT));
            if (v == null) {
                return null;
            }
            b.append(v).append('\u0000');
        }
        return b.toString();
    }

    /** Top-level scalar values by lower-case column name; numbers in canonical form. */
    private static Map<String, String> scalars(String after) {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(after)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName().toLowerCase(Locale.ROOT);
                JsonToken t = p.nextToken();
                switch (t) {
                    case VALUE_STRING -> out.put(name, "s" + p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String text = p.getText();
                        try {
                            BigDecimal d = new BigDecimal(text);
                            out.put(name, "n" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toString()));
                        } catch (NumberFormatException e) {
                            out.put(name, "n" + text);
                        }
                    }
                    case VALUE_TRUE, VALUE_FALSE -> out.put(name, "b" + p.getText());
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
