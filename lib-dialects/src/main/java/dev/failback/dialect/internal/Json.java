package dev.failback.dialect.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jackson streaming helpers over changefeed JSON texts. Numbers are never converted: their exact
 * text is kept; objects and arrays are kept as the exact slice of the input. Stateless, thread-safe.
 */
public final class Json {

    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** The kind of a JSON value. */
    public enum Kind { STRING, NUMBER, BOOLEAN, NULL, OBJECT, ARRAY }

    /**
     * One JSON value.
     *
     * @param kind the kind
     * @param text the decoded string, the number or boolean literal, the exact object or array text; null for NULL
     */
    public record Value(Kind kind, String text) {
        public static final Value NULL = new Value(Kind.NULL, null);

        /** The value as JSON text. */
        public String json() {
            switch (kind) {
                case STRING:
                    return quote(text);
                case NULL:
                    return "null";
                default:
                    return text;
            }
        }
    }

    private Json() {
    }

    /**
     * Returns the top-level keys of a JSON object, in text order, without decoding the values.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static List<String> keys(String object) {
        try (JsonParser p = FACTORY.createParser(object)) {
            expect(p, JsonToken.START_OBJECT, object);
            List<String> keys = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
            return keys;
        } catch (IOException e) {
            throw invalid(object, e);
        }
    }

    /**
     * Returns the top-level fields of a JSON object.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static Map<String, Value> fields(String object) {
        try (JsonParser p = FACTORY.createParser(object)) {
            expect(p, JsonToken.START_OBJECT, object);
            Map<String, Value> fields = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                fields.put(name, value(p, object));
            }
            return fields;
        } catch (IOException e) {
            throw invalid(object, e);
        }
    }

    /**
     * Returns the elements of a JSON array.
     *
     * @throws IllegalArgumentException when the text is not a JSON array
     */
    public static List<Value> elements(String array) {
        try (JsonParser p = FACTORY.createParser(array)) {
            expect(p, JsonToken.START_ARRAY, array);
            List<Value> values = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                values.add(value(p, array));
            }
            return values;
        } catch (IOException e) {
            throw invalid(array, e);
        }
    }

    /** Returns a JSON string literal for {@code s}. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"').toString();
    }

    /**
     * Reads the value the parser is on (its first token), leaving the parser on its last token.
     *
     * @param p      the parser, on the value's first token
     * @param source the text being parsed (objects and arrays are kept as its exact slice)
     * @return the value
     * @throws IOException when the JSON is malformed
     */
    public static Value value(JsonParser p, String source) throws IOException {
        switch (p.currentToken()) {
            case VALUE_STRING:
                return new Value(Kind.STRING, p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Value(Kind.NUMBER, p.getText());
            case VALUE_TRUE:
                return new Value(Kind.BOOLEAN, "true");
            case VALUE_FALSE:
                return new Value(Kind.BOOLEAN, "false");
            case VALUE_NULL:
                return Value.NULL;
            case START_OBJECT:
            case START_ARRAY: {
                Kind kind = p.currentToken() == JsonToken.START_OBJECT ? Kind.OBJECT : Kind.ARRAY;
                int start = (int) p.currentTokenLocation().getCharOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getCharOffset();
                return new Value(kind, source.substring(start, end));
            }
            default:
                throw new IllegalArgumentException("unexpected JSON token " + p.currentToken());
        }
    }

    private static void expect(JsonParser p, JsonToken token, String text) throws IOException {
        if (p.nextToken() != token) {
            throw new IllegalArgumentException("expected a JSON " + (token == JsonToken.START_OBJECT ? "object" : "array")
                    + ": " + abbreviate(text));
        }
    }

    private static IllegalArgumentException invalid(String text, IOException e) {
        return new IllegalArgumentException("invalid JSON: " + abbreviate(text) + ": " + e.getMessage(), e);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
