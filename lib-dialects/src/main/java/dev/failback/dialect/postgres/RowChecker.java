package dev.failback.dialect.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a row image can be stored in a PostgreSQL table before it is staged: JSON kinds against
 * column types, integer ranges, numeric precision, character lengths and NOT NULL. Thread-safe.
 */
final class RowChecker {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(100_000).build())
            .build();
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");
    private static final Pattern LENGTH = Pattern.compile("(character varying|character|varchar|char)\\((\\d+)\\)");
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");
    private static final Set<String> STRING_ONLY_PREFIXES = Set.of("uuid", "date", "time", "timestamp", "interval",
            "inet", "cidr", "macaddr", "bytea", "bit");
    private static final BigInteger[][] INT_RANGES = {
        {BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE)},
        {BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)},
        {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)},
    };

    private RowChecker() {
    }

    static String check(TableInfo table, String after) {
        try (JsonParser p = JSON.createParser(after)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "the row image is not a JSON object";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                ColumnInfo c = table.column(name);
                String problem = c == null || c.generated() ? null : value(c, t, p);
                if (problem != null) {
                    return "column \"" + c.name() + "\" (" + c.sqlType() + "): " + problem;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return "the row image is not valid JSON: " + e.getMessage();
        }
    }

    private static String value(ColumnInfo c, JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return c.nullable() ? null : "is NOT NULL in the target, but the value is null";
        }
        String type = c.sqlType().toLowerCase(Locale.ROOT);
        String kind = c.typeKind();
        if (kind.equals(PostgresDialect.KIND_JSON) || type.equals("json") || type.equals("jsonb")) {
            return null;
        }
        if (kind.equals(PostgresDialect.KIND_ARRAY) || type.endsWith("[]")) {
            return t == JsonToken.START_ARRAY ? null : "expected a JSON array, got " + describe(t, p);
        }
        if (kind.equals(PostgresDialect.KIND_GEOMETRY) || kind.equals(PostgresDialect.KIND_GEOGRAPHY)) {
            return t == JsonToken.START_OBJECT || t == JsonToken.VALUE_STRING ? null
                    : "expected a GeoJSON object, got " + describe(t, p);
        }
        switch (type) {
            case "smallint":
                return integer(t, p, 0, type);
            case "integer":
                return integer(t, p, 1, type);
            case "bigint":
                return integer(t, p, 2, type);
            case "boolean":
                return t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE ? null
                        : "expected true or false, got " + describe(t, p);
            case "real":
            case "double precision":
            case "numeric":
                return number(t, p, -1, -1);
            default:
                break;
        }
        Matcher m = NUMERIC.matcher(type);
        if (m.matches()) {
            return number(t, p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            return "expected a scalar, got " + describe(t, p);
        }
        m = LENGTH.matcher(type);
        if (m.matches() && t == JsonToken.VALUE_STRING) {
            int max = Integer.parseInt(m.group(2));
            String s = p.getText();
            if (m.group(1).startsWith("character") && !m.group(1).contains("varying") || m.group(1).equals("char")) {
                s = s.replaceAll(" +$", "");
            }
            int n = s.codePointCount(0, s.length());
            return n <= max ? null : "a " + n + "-character value does not fit";
        }
        for (String prefix : STRING_ONLY_PREFIXES) {
            if (type.startsWith(prefix) && t != JsonToken.VALUE_STRING) {
                return "expected a string, got " + describe(t, p);
            }
        }
        if (kind.equals(PostgresDialect.KIND_ENUM) && t != JsonToken.VALUE_STRING) {
            return "expected an enum label string, got " + describe(t, p);
        }
        return null;
    }

    private static String integer(JsonToken t, JsonParser p, int range, String type) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            return "expected an integer, got " + describe(t, p);
        }
        BigInteger v = p.getBigIntegerValue();
        if (v.compareTo(INT_RANGES[range][0]) < 0 || v.compareTo(INT_RANGES[range][1]) > 0) {
            return "value " + p.getText() + " is out of range for " + type;
        }
        return null;
    }

    private static String number(JsonToken t, JsonParser p, int precision, int scale) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            if (!NON_FINITE.contains(s)) {
                return "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + describe(t, p);
            }
            if (precision > 0 && !s.equals("NaN")) {
                return s + " does not fit numeric(" + precision + "," + scale + ")";
            }
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return "expected a number, got " + describe(t, p);
        }
        if (precision > 0) {
            BigDecimal parsed;
            try {
                parsed = new BigDecimal(p.getText());
            } catch (NumberFormatException e) {
                return "value " + p.getText() + " is not a representable number";
            }
            if (Math.abs((long) parsed.scale()) > 10_000) { // rounding 1E-999999999 would take forever
                return "value " + p.getText() + " does not fit numeric(" + precision + "," + scale + ")";
            }
            BigDecimal v = parsed.setScale(scale, java.math.RoundingMode.HALF_UP);
            int integerDigits = v.signum() == 0 ? 0 : v.precision() - v.scale();
            if (integerDigits > precision - scale) {
                return "value " + p.getText() + " does not fit numeric(" + precision + "," + scale + ")";
            }
        }
        return null;
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                String s = p.getText();
                return "the string \"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            default:
                return p.getText();
        }
    }
}
