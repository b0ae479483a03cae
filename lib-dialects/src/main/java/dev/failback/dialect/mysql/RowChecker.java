package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.dialect.internal.RowScan;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that a row image can be stored in a MySQL/MariaDB table before it is staged: JSON kinds
 * against column types, integer ranges (signed and unsigned), decimal precision, character and byte
 * lengths, ENUM/SET labels, date ranges, NOT NULL, and the non-finite floats MySQL cannot store.
 * Thread-safe.
 */
final class RowChecker {
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");
    private static final Pattern BINARY_DIGITS = Pattern.compile("[01]*");
    /** A date that starts with a four-digit year (not BC, not {@code infinity}, not beyond 9999). */
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}([ T].*)?$");
    private static final String TIMESTAMP_MIN = "1970-01-01 00:00:01";
    private static final String TIMESTAMP_MAX = "2038-01-19 03:14:07.999999";

    private RowChecker() {
    }

    static String check(TableInfo table, String after) {
        return RowScan.scan(table, after, '`', RowChecker::value);
    }

    private static String value(ColumnInfo c, JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return c.nullable() ? null : "is NOT NULL in the target, but the value is null";
        }
        MyType type = MyType.of(c);
        boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
        boolean bool = t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
        switch (type.category()) {
            case JSON:
                return null;
            case GEOMETRY:
                return t == JsonToken.START_OBJECT ? null : "expected a GeoJSON object, got " + RowScan.describe(t, p);
            case SET:
                if (t == JsonToken.START_ARRAY) {
                    return setArray(type, p);
                }
                break;
            case TEXT:
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    // stored as its JSON text; the length is checked on the text as the changefeed sent it
                    long start = p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    long chars = p.currentLocation().getCharOffset() - start;
                    return type.maxBytes() < 0 && type.length() >= 0 && chars > type.length()
                            ? "a " + chars + "-character JSON text does not fit" : bytes(type, chars);
                }
                break;
            default:
                break;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            return "expected a scalar, got " + RowScan.describe(t, p)
                    + " (arrays and objects need a JSON or text column)";
        }
        String s = p.getText();
        switch (type.category()) {
            case INTEGER:
                if (bool) {
                    return null;
                }
                if (!number) {
                    return "expected an integer, got " + RowScan.describe(t, p);
                }
                return integer(type, s);
            case DECIMAL:
            case FLOAT:
                if (bool) {
                    return null;
                }
                if (t == JsonToken.VALUE_STRING && NON_FINITE.contains(s)) {
                    return s + " cannot be stored in MySQL/MariaDB " + type.name() + " (no NaN or infinity)";
                }
                if (!number) {
                    return "expected a number, got " + RowScan.describe(t, p);
                }
                if (type.category() == MyType.Category.DECIMAL) {
                    return decimal(type, s);
                }
                double d = Double.parseDouble(s);
                if (type.name().equals("float") && type.length() < 25 && Math.abs(d) > Float.MAX_VALUE) {
                    return "value " + s + " is out of range for float";
                }
                return type.unsigned() && d < 0 ? "value " + s + " is negative, but the column is unsigned" : null;
            case BIT:
                if (bool) {
                    return null;
                }
                if (number) {
                    return integer(new MyType(MyType.Category.INTEGER, "bigint", -1, -1, true, java.util.List.of()), s);
                }
                if (!BINARY_DIGITS.matcher(s).matches()) {
                    return "expected a string of binary digits, got " + RowScan.describe(t, p);
                }
                int bits = type.length() < 0 ? 1 : type.length();
                String digits = s.replaceFirst("^0+", "");
                return digits.length() <= bits ? null : "a " + digits.length() + "-bit value does not fit";
            case BINARY:
                if (t != JsonToken.VALUE_STRING) {
                    return "expected a \\x hex string, got " + RowScan.describe(t, p);
                }
                byte[] b;
                try {
                    b = Values.bytes(new Json.Value(Json.Kind.STRING, s), type);
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
                return type.maxBytes() < 0 || b.length <= type.maxBytes() ? null
                        : "a " + b.length + "-byte value does not fit";
            case DATE:
            case DATETIME:
            case TIMESTAMP:
                if (t != JsonToken.VALUE_STRING) {
                    return "expected a date or time stamp string, got " + RowScan.describe(t, p);
                }
                return dateTime(type, s);
            case TIME:
            case YEAR:
                return number || t == JsonToken.VALUE_STRING ? null : "expected a string, got " + RowScan.describe(t, p);
            case ENUM:
                if (t != JsonToken.VALUE_STRING) {
                    return "expected an enum label string, got " + RowScan.describe(t, p);
                }
                return label(type, s) ? null : "\"" + RowScan.abbreviate(s) + "\" is not one of " + type.labels();
            case SET:
                if (t != JsonToken.VALUE_STRING) {
                    return "expected a comma-separated string or an array of labels, got " + RowScan.describe(t, p);
                }
                if (!s.isEmpty()) {
                    for (String part : s.split(",", -1)) {
                        if (!label(type, part)) {
                            return "\"" + RowScan.abbreviate(part) + "\" is not one of " + type.labels();
                        }
                    }
                }
                return null;
            default:
                return text(type, s);
        }
    }

    private static String integer(MyType type, String s) {
        BigInteger v;
        try {
            BigDecimal d = new BigDecimal(s);
            if (Math.abs((long) d.scale()) > 100) { // 1E+999999999 would take forever to expand
                return "value " + s + " is out of range for " + type.name() + (type.unsigned() ? " unsigned" : "");
            }
            v = d.toBigIntegerExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return "expected an integer, got " + s;
        }
        BigInteger[] range = type.integerRange();
        if (v.compareTo(range[0]) < 0 || v.compareTo(range[1]) > 0) {
            return "value " + s + " is out of range for " + type.name() + (type.unsigned() ? " unsigned" : "");
        }
        return null;
    }

    private static String decimal(MyType type, String s) {
        BigDecimal v;
        try {
            v = new BigDecimal(s);
        } catch (NumberFormatException e) {
            return "value " + s + " is not a representable number";
        }
        if (Math.abs((long) v.scale()) > 10_000) { // rounding 1E-999999999 would take forever
            return "value " + s + " does not fit " + type.name();
        }
        if (type.unsigned() && v.signum() < 0) {
            return "value " + s + " is negative, but the column is unsigned";
        }
        int precision = type.length() < 0 ? 10 : type.length();
        int scale = type.scale() < 0 ? 0 : type.scale();
        BigDecimal rounded = v.setScale(scale, RoundingMode.HALF_UP);
        int integerDigits = rounded.signum() == 0 ? 0 : rounded.precision() - rounded.scale();
        if (integerDigits > precision - scale) {
            return "value " + s + " does not fit decimal(" + precision + "," + scale + ")";
        }
        return null;
    }

    private static String dateTime(MyType type, String s) {
        if (!DATE.matcher(s).matches()) {
            return "\"" + RowScan.abbreviate(s) + "\" is outside the range MySQL/MariaDB can store (years 0001-9999, no infinity)";
        }
        if (type.category() == MyType.Category.TIMESTAMP) {
            String utc = Values.dateTime(s);
            if (utc.length() >= 10 && (utc.compareTo(TIMESTAMP_MIN) < 0 || utc.compareTo(TIMESTAMP_MAX) > 0)
                    && !utc.startsWith("0000-00-00")) {
                return "\"" + s + "\" is outside the TIMESTAMP range 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC";
            }
        }
        return null;
    }

    private static String text(MyType type, String s) {
        String name = type.name();
        if (name.equals("char") || name.equals("varchar")) {
            if (type.length() < 0) {
                return null;
            }
            // trailing spaces beyond the length are cut with a note, never an error
            int n = s.codePointCount(0, s.length());
            if (n > type.length()) {
                String trimmed = s.replaceAll(" +$", "");
                n = Math.max(type.length(), trimmed.codePointCount(0, trimmed.length()));
            }
            return n <= type.length() ? null : "a " + n + "-character value does not fit";
        }
        return bytes(type, utf8Length(s));
    }

    /** Checks a byte length against the text or blob type's limit (UTF-8 bytes: the limit for utf8mb4 columns). */
    private static String bytes(MyType type, long length) {
        long max = type.maxBytes();
        return max < 0 || length <= max ? null : "a " + length + "-byte value does not fit";
    }

    private static String setArray(MyType type, JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            if (t != JsonToken.VALUE_STRING) {
                return "expected set labels, got " + RowScan.describe(t, p);
            }
            if (!label(type, p.getText())) {
                return "\"" + RowScan.abbreviate(p.getText()) + "\" is not one of " + type.labels();
            }
        }
        return null;
    }

    private static boolean label(MyType type, String s) {
        for (String l : type.labels()) {
            if (l.equalsIgnoreCase(s) || l.equals(s.replaceAll(" +$", ""))) {
                return true;
            }
        }
        return false;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
