package dev.failback.dialect.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;

/**
 * The walk over a row image that the streaming row checkers share: each value of a written column is
 * handed to a check, and the first problem is reported with the column's name and type. Internal:
 * not for applications.
 */
public final class RowScan {
    /** A parser factory for row images: strings of any length, numbers up to 100,000 digits. */
    public static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(100_000).build())
            .build();

    private RowScan() {
    }

    /** Checks one value. */
    @FunctionalInterface
    public interface ValueCheck {
        /**
         * Checks the value the parser is on.
         *
         * @param column the column
         * @param token  the value's first token
         * @param parser the parser, on that token
         * @return the problem, or null
         * @throws IOException when the JSON is malformed
         */
        String check(ColumnInfo column, JsonToken token, JsonParser parser) throws IOException;
    }

    /**
     * Checks every value of a row image whose column exists and is not generated.
     *
     * @param table the table
     * @param after the row image
     * @param quote how the database quotes identifiers in messages ({@code "} or {@code `})
     * @param check the check of one value
     * @return the first problem, or null
     */
    public static String scan(TableInfo table, String after, char quote, ValueCheck check) {
        try (JsonParser p = JSON.createParser(after)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "the row image is not a JSON object";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                ColumnInfo c = table.column(name);
                String problem = c == null || c.generated() ? null : check.check(c, t, p);
                if (problem != null) {
                    return "column " + quote + c.name() + quote + " (" + c.sqlType() + "): " + problem;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return "the row image is not valid JSON: " + e.getMessage();
        }
    }

    /**
     * Describes a JSON value for a message: its kind, a string abbreviated to 40 characters, or a
     * number's text.
     *
     * @param t the value's first token
     * @param p the parser, on that token
     * @return the description
     * @throws IOException when the JSON is malformed
     */
    public static String describe(JsonToken t, JsonParser p) throws IOException {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "the string \"" + abbreviate(p.getText()) + "\"";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            default:
                return p.getText();
        }
    }

    /**
     * Abbreviates a text for a message: at most 40 characters.
     *
     * @param s the text
     * @return it, or its first 37 characters and {@code ...}
     */
    public static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
