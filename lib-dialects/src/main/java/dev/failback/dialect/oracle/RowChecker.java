package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.Json;
import dev.failback.dialect.oracle.OracleType.Kind;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Checks that a row image can be stored in an Oracle table before it is staged: JSON kinds against
 * column types, NUMBER precision and scale (after rounding to the scale, as Oracle does), character
 * lengths in CHAR or BYTE semantics (bytes counted as UTF-8, i.e. an AL32UTF8 database), NOT NULL
 * (including the empty string, which Oracle stores as NULL), and non-finite numbers into NUMBER.
 * Thread-safe.
 */
final class RowChecker {
    /** |value| must stay below 1E126 in an unconstrained NUMBER. */
    private static final BigDecimal NUMBER_LIMIT = BigDecimal.TEN.pow(126);

    private RowChecker() {
    }

    static String check(TableInfo table, String after) {
        Map<String, Json.Value> fields;
        try {
            fields = Json.fields(after);
        } catch (IllegalArgumentException e) {
            return "the row image is not a JSON object: " + e.getMessage();
        }
        for (Map.Entry<String, Json.Value> f : fields.entrySet()) {
            ColumnInfo c = table.column(f.getKey());
            if (c == null || c.generated()) {
                continue;
            }
            String problem = value(c, OracleType.parse(c.sqlType()), f.getValue());
            if (problem != null) {
                return "column \"" + c.name() + "\" (" + c.sqlType() + "): " + problem;
            }
        }
        return null;
    }

    /**
     * Why a value can never be stored in a column, or null when it can (or cannot be judged here).
     *
     * @param c the column
     * @param v the value
     * @return the problem, or null
     */
    static String problem(ColumnInfo c, Json.Value v) {
        return value(c, OracleType.parse(c.sqlType()), v);
    }

    private static String value(ColumnInfo c, OracleType type, Json.Value v) {
        if (v.kind() == Json.Kind.NULL) {
            return c.nullable() ? null : "is NOT NULL in the target, but the value is null";
        }
        switch (type.kind()) {
            case NUMBER:
                return number(type, v);
            case BINARY_DOUBLE:
            case BINARY_FLOAT:
                if (v.kind() == Json.Kind.NUMBER || v.kind() == Json.Kind.STRING && isNonFinite(v.text())) {
                    return null;
                }
                return "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + describe(v);
            case CHAR:
            case VARCHAR:
            case CLOB:
                return text(c, type, Binder.text(v));
            case RAW:
            case BLOB:
                if (v.kind() != Json.Kind.STRING) {
                    return "expected bytes (\"\\\\x...\" hex), got " + describe(v);
                }
                byte[] bytes = Binder.bytes(v.text());
                if (bytes == null) {
                    return "expected bytes (\"\\\\x...\" hex" + (type.kind() == Kind.RAW ? " or a UUID" : "") + "), got "
                            + describe(v);
                }
                if (type.kind() == Kind.RAW && bytes.length > type.length()) {
                    return "a " + bytes.length + "-byte value does not fit";
                }
                return null;
            case DATE:
            case TIMESTAMP:
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                if (v.kind() != Json.Kind.STRING || Binder.time(v.text(), type.kind()) == null) {
                    return "expected a date or timestamp, got " + describe(v);
                }
                return null;
            case BOOLEAN:
                return v.kind() == Json.Kind.BOOLEAN ? null : "expected true or false, got " + describe(v);
            default:
                return null;
        }
    }

    private static String number(OracleType type, Json.Value v) {
        BigDecimal d;
        if (v.kind() == Json.Kind.BOOLEAN) {
            return type.precision() == 0 || type.precision() > type.scale() ? null : "a boolean does not fit";
        }
        if (v.kind() == Json.Kind.NUMBER) {
            try {
                d = new BigDecimal(v.text());
            } catch (NumberFormatException e) {
                return "value " + v.text() + " overflows NUMBER";
            }
        } else if (v.kind() == Json.Kind.STRING) {
            if (isNonFinite(v.text())) {
                return v.text() + " cannot be stored in NUMBER (no NaN or infinities; use BINARY_DOUBLE)";
            }
            try {
                d = new BigDecimal(v.text().trim());
            } catch (NumberFormatException e) {
                return "expected a number, got " + describe(v);
            }
        } else {
            return "expected a number, got " + describe(v);
        }
        if (d.signum() != 0 && d.precision() - d.scale() > 127 || d.abs().compareTo(NUMBER_LIMIT) >= 0) {
            return "value " + v.text() + " overflows NUMBER";
        }
        if (type.precision() == 0) {
            return null;
        }
        // NUMBER(p,s): rounded to s fractional digits (s may be negative), at most p digits remain
        BigDecimal rounded = d.setScale(type.scale(), RoundingMode.HALF_UP);
        if (rounded.signum() != 0 && rounded.precision() > type.precision()) {
            return "value " + v.text() + " does not fit " + type.sqlType();
        }
        return null;
    }

    private static String text(ColumnInfo c, OracleType type, String s) {
        if (s.isEmpty() && !c.nullable()) {
            return "is NOT NULL in the target, and Oracle stores the empty string as NULL";
        }
        if (type.kind() == Kind.CLOB) {
            return null;
        }
        int n = type.byteSemantics() ? s.getBytes(StandardCharsets.UTF_8).length
                : type.national() ? s.length() : s.codePointCount(0, s.length());
        if (n > type.length()) {
            return "a " + n + (type.byteSemantics() ? "-byte" : "-character") + " value does not fit";
        }
        int bytes = type.byteSemantics() ? n : s.getBytes(StandardCharsets.UTF_8).length;
        if (type.length() <= OracleType.STANDARD_VARCHAR2 && bytes > OracleType.STANDARD_VARCHAR2) {
            return "a " + bytes + "-byte value exceeds Oracle's 4000-byte limit";
        }
        return null;
    }

    private static boolean isNonFinite(String s) {
        return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
    }

    private static String describe(Json.Value v) {
        switch (v.kind()) {
            case OBJECT:
                return "an object";
            case ARRAY:
                return "an array";
            case STRING:
                String s = v.text();
                return "the string \"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
            case BOOLEAN:
                return "a boolean";
            default:
                return v.text();
        }
    }
}
