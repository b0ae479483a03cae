package dev.failback.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Row images between the changefeed's JSON text and the maps transforms work on
 * ({@link dev.failback.transform}): numbers become {@link BigDecimal} from their exact text and go back
 * as the same digits; a string a transform put into a numeric column goes back as a number when it
 * reads as one. Stateless.
 */
public final class RowJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** SQL types whose columns take JSON numbers, on every dialect. */
    private static final Pattern NUMERIC = Pattern.compile(
            "^(?:tiny|small|medium|big)?int(?:eger)?\\d*\\b.*|^(?:numeric|decimal|number|float|double|real|dec|fixed"
                    + "|smallserial|serial|bigserial|binary_float|binary_double)\\b.*");

    private RowJson() {
    }

    /**
     * Reads a JSON object text into a mutable map, in field order.
     *
     * @param object the JSON text, or null
     * @return the map, or null for null
     */
    public static Map<String, Object> object(String object) {
        if (object == null) {
            return null;
        }
        try (JsonParser p = JSON.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + abbreviate(object));
            }
            return readObject(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON array text into a mutable list.
     *
     * @param array the JSON text
     * @return the list
     */
    public static List<Object> array(String array) {
        try (JsonParser p = JSON.createParser(array)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("not a JSON array: " + abbreviate(array));
            }
            return readArray(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            m.put(name, value(p));
        }
        return m;
    }

    private static List<Object> readArray(JsonParser p) throws IOException {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            l.add(value(p));
        }
        return l;
    }

    private static Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                return readArray(p);
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new BigDecimal(p.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /**
     * Writes a row image for a table: each column's value as JSON, a numeric-looking string as a
     * number when the column is numeric.
     *
     * @param row   the row
     * @param table the table it goes to, or null when not known
     * @return the JSON object text
     */
    public static String write(Map<String, Object> row, TableInfo table) {
        StringWriter out = new StringWriter(row.size() * 16);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : row.entrySet()) {
                g.writeFieldName(e.getKey());
                ColumnInfo column = table == null ? null : table.column(e.getKey());
                write(g, e.getValue(), column != null && isNumeric(column));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Writes key values as a JSON array text, a numeric-looking string as a number for a numeric key column.
     *
     * @param key   the values, in primary-key order
     * @param table the table, whose key columns give the types
     * @return the JSON array text
     */
    public static String writeKey(List<Object> key, TableInfo table) {
        StringWriter out = new StringWriter(key.size() * 12);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < key.size(); i++) {
                ColumnInfo column = i < table.primaryKey().size() ? table.column(table.primaryKey().get(i)) : null;
                write(g, key.get(i), column != null && isNumeric(column));
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The primary-key values of a row, read from the table's key columns (exact name first, then ignoring case).
     *
     * @param row   the row
     * @param table the table
     * @return the values in key order
     * @throws IllegalArgumentException naming the first key column the row lacks
     */
    public static List<Object> key(Map<String, Object> row, TableInfo table) {
        List<Object> key = new ArrayList<>(table.primaryKey().size());
        for (String column : table.primaryKey()) {
            Object v = row.get(column);
            if (v == null && !row.containsKey(column)) {
                String found = null;
                for (String name : row.keySet()) {
                    if (name.equalsIgnoreCase(column)) {
                        found = name;
                        break;
                    }
                }
                if (found == null) {
                    throw new IllegalArgumentException("the row has no value for primary-key column " + column
                            + " of " + table.name() + " (columns: " + row.keySet() + ")");
                }
                v = row.get(found);
            }
            if (v == null) {
                throw new IllegalArgumentException("primary-key column " + column + " of " + table.name() + " is null");
            }
            key.add(v);
        }
        return key;
    }

    /** Whether a column takes JSON numbers. */
    static boolean isNumeric(ColumnInfo column) {
        return NUMERIC.matcher(column.sqlType().toLowerCase(Locale.ROOT)).matches();
    }

    @SuppressWarnings("unchecked")
    private static void write(JsonGenerator g, Object v, boolean numeric) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            if (numeric && isNumber(s)) {
                g.writeNumber(new BigDecimal(s.trim()).toString()); // "007", "+1", ".5" as JSON numbers
            } else {
                g.writeString(s);
            }
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d.toString());
        } else if (v instanceof Number n) {
            g.writeNumber(n instanceof Double || n instanceof Float ? new BigDecimal(n.toString()).toString()
                    : n.toString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue(), false);
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o, numeric);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }

    private static boolean isNumber(String s) {
        try {
            new BigDecimal(s.trim());
            return !s.isBlank();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
