package dev.failback.core.internal.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks of a row message that hold for every target, made before anything is staged: each column
 * once, the {@code key} equal to the row's primary-key columns (an upsert and the later delete of the
 * same key must address one row), and text that is valid Unicode (a lone UTF-16 surrogate, which a
 * JSON escape can carry, would be stored as {@code ?}). Stateless, thread-safe. Public for the examples'
 * {@code HotPathBenchmark}; internal.
 */
public final class RowChecks {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(100_000).build())
            .build();

    private RowChecks() {
    }

    /**
     * Checks one message against its table.
     *
     * @return what is wrong, naming the column, or null
     */
    public static String check(TableInfo table, RowMessage m) {
        String problem = surrogates("key", m.key());
        if (problem == null && m.after() != null) {
            problem = surrogates("after", m.after());
        }
        if (problem == null && m.before() != null) {
            problem = surrogates("before", m.before());
        }
        if (problem == null && m.after() != null) {
            problem = columnsAndKey(table, m);
        }
        return problem;
    }

    /**
     * Each column at most once (from the field names the decoder collected), and the key's values equal
     * to the row's primary-key columns (reading {@code after} only until they are all found).
     */
    private static String columnsAndKey(TableInfo table, RowMessage m) {
        Map<ColumnInfo, String> seen = new IdentityHashMap<>();
        for (String field : m.afterColumns()) {
            ColumnInfo c = table.column(field);
            String before = c == null ? null : seen.put(c, field);
            if (before != null) {
                return "column \"" + c.name() + "\" appears twice in \"after\""
                        + (before.equals(field) ? "" : " (as \"" + before + "\" and \"" + field + "\")");
            }
        }
        List<String> pk = table.primaryKey();
        Value[] rowKey = new Value[pk.size()];
        try {
            if (!scanRowKey(table, m.after(), rowKey)) {
                java.util.Arrays.fill(rowKey, null);
                String problem = parseRowKey(table, m.after(), rowKey);
                if (problem != null) {
                    return problem;
                }
            }
            List<Value> key = keyValues(m.key());
            for (int i = 0; i < pk.size(); i++) {
                Value row = rowKey[i];
                if (row == null) {
                    return "\"after\" lacks primary-key column \"" + pk.get(i) + "\"";
                }
                if (i < key.size() && !row.sameAs(key.get(i))) {
                    return "\"key\" " + abbreviate(m.key()) + " does not match the row's primary key: column \""
                            + pk.get(i) + "\" is " + abbreviate(row.text) + " in \"after\" but " + abbreviate(key.get(i).text)
                            + " in \"key\" (a delete of this key would miss the row)";
                }
            }
            return null;
        } catch (IOException e) {
            return "\"after\" is not valid JSON: " + e.getMessage();
        }
    }

    /**
     * Reads the primary-key columns' values of a row image with a JSON parser, stopping once they are all found.
     *
     * @param rowKey filled in key order (null where the row lacks a column)
     * @return "not a JSON object", or null
     */
    static String parseRowKey(TableInfo table, String after, Value[] rowKey) throws IOException {
        List<String> pk = table.primaryKey();
        int found = 0;
        try (JsonParser p = JSON.createParser(after)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "\"after\" is not a JSON object";
            }
            while (found < rowKey.length && p.nextToken() == JsonToken.FIELD_NAME) {
                ColumnInfo c = table.column(p.currentName());
                JsonToken t = p.nextToken();
                int k = c == null ? -1 : pk.indexOf(c.name());
                if (k >= 0) {
                    rowKey[k] = Value.of(t, p);
                    found++;
                }
                p.skipChildren();
            }
            return null;
        }
    }

    /**
     * Reads the primary-key columns' values of a row image as {@link #parseRowKey} does, without a parser: the
     * decoder has read the image as JSON already, and a scan over its text costs less than creating a parser.
     * Declines (false, {@code rowKey} partly filled) a field name with an escape, a key value that is a string
     * with one, and any text it does not expect.
     */
    static boolean scanRowKey(TableInfo table, String after, Value[] rowKey) {
        List<String> pk = table.primaryKey();
        int n = after.length();
        int i = skipSpace(after, 0);
        if (i >= n || after.charAt(i) != '{') {
            return false;
        }
        int found = 0;
        i = skipSpace(after, i + 1);
        if (i < n && after.charAt(i) == '}') {
            return true;
        }
        while (found < rowKey.length) {
            if (i >= n || after.charAt(i) != '"') {
                return false;
            }
            int nameEnd = stringEnd(after, i);
            if (nameEnd < 0 || hasBackslash(after, i + 1, nameEnd)) {
                return false;
            }
            String name = after.substring(i + 1, nameEnd - 1);
            i = skipSpace(after, nameEnd);
            if (i >= n || after.charAt(i) != ':') {
                return false;
            }
            i = skipSpace(after, i + 1);
            if (i >= n) {
                return false;
            }
            ColumnInfo c = table.column(name);
            int k = c == null ? -1 : pk.indexOf(c.name());
            char first = after.charAt(i);
            int end;
            Value value;
            if (first == '"') {
                end = stringEnd(after, i);
                if (end < 0) {
                    return false;
                }
                if (k >= 0) {
                    if (hasBackslash(after, i + 1, end)) {
                        return false; // the parser decodes escapes
                    }
                    value = new Value(JsonToken.VALUE_STRING, after.substring(i + 1, end - 1));
                } else {
                    value = null;
                }
            } else if (first == '{' || first == '[') {
                end = structureEnd(after, i);
                if (end < 0) {
                    return false;
                }
                value = new Value(first == '{' ? JsonToken.START_OBJECT : JsonToken.START_ARRAY, String.valueOf(first));
            } else {
                int[] ends = new int[1];
                JsonToken t = literalOrNumber(after, i, '}', ends);
                if (t == null) {
                    return false;
                }
                end = ends[0];
                // the text is not built for the other columns' values
                value = k >= 0 ? new Value(t, after.substring(i, end)) : null;
            }
            if (k >= 0) {
                rowKey[k] = value;
                found++;
            }
            i = skipSpace(after, end);
            if (i >= n) {
                return false;
            }
            if (after.charAt(i) == '}') {
                return true;
            }
            if (after.charAt(i) != ',') {
                return false;
            }
            i = skipSpace(after, i + 1);
        }
        return true;
    }

    private static boolean hasBackslash(String s, int from, int to) {
        for (int j = from; j < to; j++) {
            if (s.charAt(j) == '\\') {
                return true;
            }
        }
        return false;
    }

    /** The index after the closing quote of the string that opens at {@code i}, or -1. */
    private static int stringEnd(String s, int i) {
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j + 1;
            }
        }
        return -1;
    }

    /** The index after the object or array that opens at {@code i} (strings inside skipped whole), or -1. */
    private static int structureEnd(String s, int i) {
        int depth = 0;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '"') {
                j = stringEnd(s, j);
                if (j < 0) {
                    return -1;
                }
                j--;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return j + 1;
                }
            }
        }
        return -1;
    }

    /**
     * The values of a key array: read by {@link #scanKey} when it holds only numbers, strings without escapes,
     * booleans and nulls (the usual key), else by a parser.
     */
    public static List<Value> keyValues(String key) throws IOException {
        List<Value> scanned = scanKey(key);
        return scanned != null ? scanned : parseKey(key);
    }

    /**
     * Reads a key array without a JSON parser (creating one per row cost more than the rest of these checks):
     * the values as {@link #parseKey} gives them, or null for anything but numbers, strings without escapes or
     * control characters, {@code true}, {@code false} and {@code null}, or for text that is not exactly one
     * such array.
     */
    static List<Value> scanKey(String key) {
        int n = key.length();
        int i = skipSpace(key, 0);
        if (i >= n || key.charAt(i) != '[') {
            return null;
        }
        List<Value> values = new ArrayList<>(2);
        i = skipSpace(key, i + 1);
        if (i < n && key.charAt(i) == ']') {
            return skipSpace(key, i + 1) == n ? values : null;
        }
        while (i < n) {
            char c = key.charAt(i);
            int end;
            if (c == '"') {
                end = i + 1;
                while (end < n && key.charAt(end) != '"') {
                    char d = key.charAt(end);
                    if (d == '\\' || d < 0x20) {
                        return null;
                    }
                    end++;
                }
                if (end >= n) {
                    return null;
                }
                values.add(new Value(JsonToken.VALUE_STRING, key.substring(i + 1, end)));
                end++;
            } else {
                int[] ends = new int[1];
                JsonToken t = literalOrNumber(key, i, ']', ends);
                if (t == null) {
                    return null;
                }
                end = ends[0];
                values.add(new Value(t, key.substring(i, end)));
            }
            i = skipSpace(key, end);
            if (i >= n) {
                return null;
            }
            if (key.charAt(i) == ']') {
                return skipSpace(key, i + 1) == n ? values : null;
            }
            if (key.charAt(i) != ',') {
                return null;
            }
            i = skipSpace(key, i + 1);
        }
        return null;
    }

    /**
     * The kind of the {@code true}, {@code false}, {@code null} or number at {@code i}, its end in {@code end[0]};
     * null for anything else. A number must end at a separator, white space or {@code closer}; a literal is
     * checked only for its own letters (what follows it is the caller's to check).
     */
    private static JsonToken literalOrNumber(String s, int i, char closer, int[] end) {
        if (s.startsWith("true", i)) {
            end[0] = i + 4;
            return JsonToken.VALUE_TRUE;
        }
        if (s.startsWith("false", i)) {
            end[0] = i + 5;
            return JsonToken.VALUE_FALSE;
        }
        if (s.startsWith("null", i)) {
            end[0] = i + 4;
            return JsonToken.VALUE_NULL;
        }
        int e = number(s, i, closer);
        if (e < 0) {
            return null;
        }
        end[0] = e;
        for (int j = i; j < e; j++) {
            char d = s.charAt(j);
            if (d == '.' || d == 'e' || d == 'E') {
                return JsonToken.VALUE_NUMBER_FLOAT;
            }
        }
        return JsonToken.VALUE_NUMBER_INT;
    }

    /**
     * The end of a JSON number starting at {@code i} ({@code -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?}) followed by a
     * separator, white space or {@code closer}, or -1 when it is not one.
     */
    private static int number(String s, int i, char closer) {
        int n = s.length();
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        if (i >= n || !digit(s.charAt(i))) {
            return -1;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else {
            while (i < n && digit(s.charAt(i))) {
                i++;
            }
        }
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && digit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            while (i < n && digit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        // a number ends at a separator; "1a" or "01" is not one
        return i < n && !(s.charAt(i) == ',' || s.charAt(i) == closer || isSpace(s.charAt(i))) ? -1 : i;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The values of a key array, read by a JSON parser. */
    public static List<Value> parseKey(String key) throws IOException {
        List<Value> values = new ArrayList<>(2);
        try (JsonParser p = JSON.createParser(key)) {
            p.nextToken(); // [
            JsonToken t;
            while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
                values.add(Value.of(t, p));
                p.skipChildren();
            }
        }
        return values;
    }

    /** A scalar JSON value as sent; structures compare by their kind only (keys are scalars). */
    public record Value(JsonToken token, String text) {
        static Value of(JsonToken t, JsonParser p) throws IOException {
            return new Value(t, t.isScalarValue() ? p.getText() : t.asString());
        }

        boolean sameAs(Value o) {
            if (text.equals(o.text) && token == o.token) {
                return true;
            }
            if (token.isNumeric() && o.token.isNumeric()) {
                try {
                    return new BigDecimal(text).compareTo(new BigDecimal(o.text)) == 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            return false;
        }
    }

    /**
     * Finds an escaped UTF-16 surrogate ({@code \ud800}) without its partner in JSON text.
     *
     * @return the problem, or null
     */
    static String surrogates(String what, String json) {
        int i = json.indexOf("\\u");
        if (i < 0) {
            return null; // the usual case: no escapes at all
        }
        int n = json.length();
        boolean pendingHigh = false;
        for (i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = json.charAt(i + 1);
                if (e == 'u' && i + 5 < n) {
                    int u = hex(json, i + 2);
                    boolean high = u >= 0xD800 && u <= 0xDBFF;
                    boolean low = u >= 0xDC00 && u <= 0xDFFF;
                    if (pendingHigh && !low || !pendingHigh && low) {
                        return lone(what);
                    }
                    pendingHigh = high;
                    i += 5;
                    continue;
                }
                if (pendingHigh) {
                    return lone(what);
                }
                i++;
                continue;
            }
            if (pendingHigh) {
                return lone(what);
            }
            if (Character.isSurrogate(c)) {
                // unescaped surrogates only arrive in pairs from UTF-8; check the pair anyway
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return lone(what);
            }
        }
        return pendingHigh ? lone(what) : null;
    }

    private static String lone(String what) {
        return "\"" + what + "\" holds a lone UTF-16 surrogate, which is not Unicode text and cannot be stored as sent";
    }

    private static int hex(String s, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\r', ' ').replace('\n', ' ');
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
