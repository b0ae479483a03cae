package dev.failback.userscript;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values across the script boundary, as JSON text (one string each way per call is far cheaper than a
 * host call per property). Into JavaScript, numbers are decimal strings as MOLT passes them; back, a JSON
 * number becomes an exact {@link BigDecimal}, a string a {@link String}, an object a {@link LinkedHashMap}.
 */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static String write(Body body) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            body.write(g);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /**
     * Writes a Java value the way a script sees it: a row's column values that are numbers as decimal
     * strings (MOLT's rule: no loss past 2^53); numbers nested deeper (inside a JSON column's object or an
     * array) as JS numbers when a double holds them exactly, so a JSON document keeps its numbers.
     */
    static void value(JsonGenerator g, Object v) throws IOException {
        value(g, v, 0);
    }

    private static void value(JsonGenerator g, Object v, int depth) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof BigDecimal d) {
            if (depth >= 2 && exactDouble(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(plain(d));
            }
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            g.writeString(Double.isFinite(d) ? new BigDecimal(v.toString()).toPlainString() : v.toString());
        } else if (v instanceof Number n) {
            g.writeString(n.toString());
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) {
                value(g, o, depth + 1);
            }
            g.writeEndArray();
        } else if (v instanceof Object[] a) {
            value(g, List.of(a), depth);
        } else {
            g.writeString(v.toString());
        }
    }

    /** Whether a double (and so a JS number) holds a decimal exactly, printing back as the same value. */
    private static boolean exactDouble(BigDecimal d) {
        double x = d.doubleValue();
        return Double.isFinite(x) && new BigDecimal(Double.toString(x)).compareTo(d) == 0;
    }

    /**
     * A decimal's digits without an exponent, unless that would be absurdly long ({@code 1e999999999} is
     * valid JSON): then with one.
     */
    static String plain(BigDecimal d) {
        return d.scale() < -100 || d.scale() > 1_000 ? d.toString() : d.toPlainString();
    }

    /** A value as a script sees a key value: a string (null stays null). */
    static String keyText(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return plain(d);
        }
        return v.toString();
    }

    static Object read(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new IllegalStateException("bad JSON from the script runtime: " + e.getMessage(), e);
        }
    }

    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return new BigDecimal(p.getText());
            case VALUE_NUMBER_FLOAT: {
                BigDecimal d = new BigDecimal(p.getText());
                return d.scale() < 0 ? d.setScale(0) : d;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    map.put(k, read(p));
                }
                return map;
            }
            default:
                throw new IOException("unexpected " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readObject(String json) {
        return (Map<String, Object>) read(json);
    }
}
