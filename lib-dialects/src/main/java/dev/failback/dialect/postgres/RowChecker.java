package dev.failback.dialect.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.dialect.internal.RowScan;
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
    private static final JsonFactory JSON = RowScan.JSON;
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
        if (after.contains("\\u0000")) {
            String nul = nul(table, after);
            if (nul != null) {
                return nul;
            }
        }
        return RowScan.scan(table, after, '"', RowChecker::value);
    }

    /**
     * Finds a NUL character in a text value (also inside arrays and JSON): PostgreSQL stores none in
     * {@code text}, {@code varchar}, {@code jsonb} or arrays of them, and would fail the whole window.
     */
    private static String nul(TableInfo table, String after) {
        try (JsonParser p = JSON.createParser(after)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                int depth = 0;
                do {
                    if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME && depth > 0)
                            && p.getText().indexOf('\u0000') >= 0) {
                        ColumnInfo c = table.column(name);
                        return "column \"" + (c == null ? name : c.name()) + "\"" + (c == null ? "" : " (" + c.sqlType() + ")")
                                + ": the value holds a NUL character (\\u0000), which PostgreSQL cannot store in text";
                    }
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        depth++;
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    }
                } while (depth > 0 && (t = p.nextToken()) != null);
            }
            return null;
        } catch (IOException e) {
            return null; // the main check reports it
        }
    }

    /** What a column type accepts, worked out once per type (the type name is parsed, not each value's). */
    private record TypeCheck(int code, int range, int precision, int scale, int maxLength, boolean padded,
            boolean stringOnly, boolean isEnum) {
        static final int ANY = 0;
        static final int ARRAY = 1;
        static final int GEO = 2;
        static final int INTEGER = 3;
        static final int BOOLEAN = 4;
        static final int NUMBER = 5;
        static final int SCALAR = 6;

        static TypeCheck of(String sqlType, String kind) {
            String type = sqlType.toLowerCase(Locale.ROOT);
            if (kind.equals(PostgresDialect.KIND_JSON) || type.equals("json") || type.equals("jsonb")) {
                return simple(ANY);
            }
            if (kind.equals(PostgresDialect.KIND_ARRAY) || type.endsWith("[]")) {
                return simple(ARRAY);
            }
            if (kind.equals(PostgresDialect.KIND_GEOMETRY) || kind.equals(PostgresDialect.KIND_GEOGRAPHY)) {
                return simple(GEO);
            }
            switch (type) {
                case "smallint":
                    return new TypeCheck(INTEGER, 0, -1, -1, -1, false, false, false);
                case "integer":
                    return new TypeCheck(INTEGER, 1, -1, -1, -1, false, false, false);
                case "bigint":
                    return new TypeCheck(INTEGER, 2, -1, -1, -1, false, false, false);
                case "boolean":
                    return simple(BOOLEAN);
                case "real":
                case "double precision":
                case "numeric":
                    return new TypeCheck(NUMBER, -1, -1, -1, -1, false, false, false);
                default:
                    break;
            }
            Matcher m = NUMERIC.matcher(type);
            if (m.matches()) {
                return new TypeCheck(NUMBER, -1, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), -1, false,
                        false, false);
            }
            int maxLength = -1;
            boolean padded = false;
            m = LENGTH.matcher(type);
            if (m.matches()) {
                maxLength = Integer.parseInt(m.group(2));
                padded = m.group(1).startsWith("character") && !m.group(1).contains("varying") || m.group(1).equals("char");
            }
            boolean stringOnly = false;
            for (String prefix : STRING_ONLY_PREFIXES) {
                stringOnly |= type.startsWith(prefix);
            }
            return new TypeCheck(SCALAR, -1, -1, -1, maxLength, padded, stringOnly, kind.equals(PostgresDialect.KIND_ENUM));
        }

        private static TypeCheck simple(int code) {
            return new TypeCheck(code, -1, -1, -1, -1, false, false, false);
        }
    }

    /** By sql type and type kind; a schema has few distinct types. */
    private static final java.util.concurrent.ConcurrentHashMap<String, TypeCheck> TYPES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static TypeCheck typeCheck(ColumnInfo c) {
        String key = c.typeKind() + "\n" + c.sqlType();
        TypeCheck tc = TYPES.get(key);
        if (tc == null) {
            tc = TypeCheck.of(c.sqlType(), c.typeKind());
            if (TYPES.size() < 10_000) {
                TYPES.put(key, tc);
            }
        }
        return tc;
    }

    private static String value(ColumnInfo c, JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return c.nullable() ? null : "is NOT NULL in the target, but the value is null";
        }
        TypeCheck tc = typeCheck(c);
        switch (tc.code()) {
            case TypeCheck.ANY:
                return null;
            case TypeCheck.ARRAY:
                return t == JsonToken.START_ARRAY ? null : "expected a JSON array, got " + RowScan.describe(t, p);
            case TypeCheck.GEO:
                return t == JsonToken.START_OBJECT || t == JsonToken.VALUE_STRING ? null
                        : "expected a GeoJSON object, got " + RowScan.describe(t, p);
            case TypeCheck.INTEGER:
                return integer(t, p, tc.range(), c.sqlType().toLowerCase(Locale.ROOT));
            case TypeCheck.BOOLEAN:
                return t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE ? null
                        : "expected true or false, got " + RowScan.describe(t, p);
            case TypeCheck.NUMBER:
                return number(t, p, tc.precision(), tc.scale());
            default:
                break;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            return "expected a scalar, got " + RowScan.describe(t, p);
        }
        if (tc.maxLength() >= 0 && t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            if (s.length() <= tc.maxLength()) {
                return null; // never more code points than chars
            }
            if (tc.padded()) {
                s = s.replaceAll(" +$", "");
            }
            int n = s.codePointCount(0, s.length());
            return n <= tc.maxLength() ? null : "a " + n + "-character value does not fit";
        }
        if (tc.stringOnly() && t != JsonToken.VALUE_STRING) {
            return "expected a string, got " + RowScan.describe(t, p);
        }
        if (tc.isEnum() && t != JsonToken.VALUE_STRING) {
            return "expected an enum label string, got " + RowScan.describe(t, p);
        }
        return null;
    }

    private static String integer(JsonToken t, JsonParser p, int range, String type) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            return "expected an integer, got " + RowScan.describe(t, p);
        }
        JsonParser.NumberType nt = p.getNumberType();
        if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
            long v = p.getLongValue();
            if (v >= INT_RANGES[range][0].longValue() && v <= INT_RANGES[range][1].longValue()) {
                return null;
            }
            return "value " + p.getText() + " is out of range for " + type;
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
                return "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + RowScan.describe(t, p);
            }
            if (precision > 0 && !s.equals("NaN")) {
                return s + " does not fit numeric(" + precision + "," + scale + ")";
            }
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return "expected a number, got " + RowScan.describe(t, p);
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
}
