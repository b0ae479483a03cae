package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Binds changefeed JSON values to MySQL/MariaDB parameters, by column type. Numbers are bound as
 * numbers (so comparisons with key columns are exact, never through a double), from their exact JSON
 * text. Stateless.
 */
final class Values {
    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TIME_OFFSET = Pattern.compile("[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?$");
    private static final DateTimeFormatter UTC_TEXT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private Values() {
    }

    /**
     * The placeholder of a column in a VALUES row: {@code ?}, or a conversion around it. GeoJSON is
     * read with SRID 0 on both flavors (MySQL would default to 4326, which swaps axes and limits
     * coordinates to latitude/longitude ranges).
     */
    static String placeholder(MyType type, boolean mysql) {
        if (type.category() != MyType.Category.GEOMETRY) {
            return "?";
        }
        return mysql ? "ST_GeomFromGeoJSON(?, 1, 0)" : "ST_GeomFromGeoJSON(?)";
    }

    /**
     * The placeholder of a key column in a key predicate ({@code DELETE ... WHERE}, the guard's count):
     * {@code ?}, or the server's own conversion to the column's type, so that a key more precise than
     * its column addresses the row its upsert stored: {@code CAST(? AS DATETIME(f))} for DATETIME and
     * TIMESTAMP, {@code CAST(? AS TIME(f))} for TIME (MariaDB truncates fractional seconds beyond
     * {@code f}, MySQL 8 rounds them, each the same way on insert and in the cast), {@code CAST(? AS FLOAT)}
     * for a single-precision FLOAT (a key bound as a double would never equal its rounded float). DECIMAL
     * keys are rounded in Java instead ({@link #decimal}), because the server's cast clamps a value beyond
     * the range onto the largest one.
     */
    static String keyPlaceholder(MyType type) {
        int fsp = Math.max(0, type.length());
        switch (type.category()) {
            case DATETIME:
            case TIMESTAMP:
                return "CAST(? AS DATETIME(" + fsp + "))";
            case TIME:
                return "CAST(? AS TIME(" + fsp + "))";
            case FLOAT:
                return type.name().equals("float") && type.length() <= 24 ? "CAST(? AS FLOAT)" : "?";
            default:
                return "?";
        }
    }

    /**
     * A decimal as the column stores it: rounded half away from zero to the column's scale, as the server
     * rounds on insert, so that a key is compared (delete, version check) in the form its upsert stored; a
     * value beyond the column's range keeps its magnitude, so as a key it matches nothing (the server's own
     * conversion would clamp it onto the largest value). Null when the text is not a number (NaN, Infinity:
     * the row check refuses those).
     */
    static BigDecimal decimal(String text, MyType type) {
        BigDecimal d;
        try {
            d = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        int scale = Math.max(0, type.scale()); // decimal and decimal(p) have scale 0
        return d.scale() > scale ? d.setScale(scale, RoundingMode.HALF_UP) : d;
    }

    /**
     * Binds one value.
     *
     * @throws IllegalArgumentException when the value cannot be converted at all (checkRow reports
     *                                  these before staging)
     */
    static void bind(PreparedStatement ps, int index, Json.Value value, MyType type) throws SQLException {
        if (value.kind() == Json.Kind.NULL) {
            ps.setNull(index, Types.NULL);
            return;
        }
        String text = value.text();
        switch (type.category()) {
            case INTEGER:
            case BIT:
            case YEAR:
                if (value.kind() == Json.Kind.BOOLEAN) {
                    ps.setInt(index, text.equals("true") ? 1 : 0);
                } else if (value.kind() == Json.Kind.NUMBER) {
                    integer(ps, index, text);
                } else if (type.category() == MyType.Category.BIT && value.kind() == Json.Kind.STRING) {
                    integer(ps, index, new BigInteger(text.isEmpty() ? "0" : text, 2).toString());
                } else {
                    ps.setString(index, scalarText(value));
                }
                return;
            case DECIMAL:
                BigDecimal decimal = value.kind() == Json.Kind.NUMBER || value.kind() == Json.Kind.STRING
                        ? decimal(text, type) : null;
                if (decimal != null) {
                    ps.setBigDecimal(index, decimal);
                } else if (value.kind() == Json.Kind.BOOLEAN) {
                    ps.setInt(index, text.equals("true") ? 1 : 0);
                } else {
                    ps.setString(index, scalarText(value));
                }
                return;
            case FLOAT:
                if (value.kind() == Json.Kind.NUMBER) {
                    ps.setDouble(index, Double.parseDouble(text));
                } else if (value.kind() == Json.Kind.BOOLEAN) {
                    ps.setInt(index, text.equals("true") ? 1 : 0);
                } else {
                    ps.setString(index, scalarText(value));
                }
                return;
            case BINARY:
                ps.setBytes(index, bytes(value, type));
                return;
            case DATE:
            case DATETIME:
            case TIMESTAMP:
                ps.setString(index, value.kind() == Json.Kind.STRING ? dateTime(text) : scalarText(value));
                return;
            case TIME:
                ps.setString(index, value.kind() == Json.Kind.STRING ? time(text) : scalarText(value));
                return;
            case JSON:
            case GEOMETRY:
                ps.setString(index, value.json());
                return;
            case SET:
                ps.setString(index, value.kind() == Json.Kind.ARRAY ? setText(text) : scalarText(value));
                return;
            default:
                ps.setString(index, scalarText(value));
        }
    }

    /** The text of a value for a text column: the string, the number or boolean literal, the JSON text of objects and arrays. */
    static String scalarText(Json.Value value) {
        return value.text();
    }

    /** Binds an integer literal exactly: as a long when it fits, else as an integral decimal. */
    private static void integer(PreparedStatement ps, int index, String text) throws SQLException {
        if (PLAIN_INTEGER.matcher(text).matches()) {
            ps.setLong(index, Long.parseLong(text));
            return;
        }
        BigDecimal d = new BigDecimal(text);
        BigInteger i;
        try {
            i = d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            ps.setBigDecimal(index, d);
            return;
        }
        if (i.bitLength() < 64) {
            ps.setLong(index, i.longValue());
        } else {
            ps.setBigDecimal(index, new BigDecimal(i));
        }
    }

    /**
     * The bytes of a value for a binary column: {@code \x} hex as CockroachDB encodes BYTES, a UUID's
     * 16 bytes for {@code binary(16)}, else the UTF-8 bytes of the text.
     */
    static byte[] bytes(Json.Value value, MyType type) {
        String s = value.text();
        if (value.kind() == Json.Kind.STRING && s.startsWith("\\x")) {
            return hex(s, 2);
        }
        if (value.kind() == Json.Kind.STRING && type.isUuidBinary() && UUID.matcher(s).matches()) {
            return hex(s.replace("-", ""), 0);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String s, int from) {
        int n = s.length() - from;
        if (n % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits in \"" + abbreviate(s) + "\"");
        }
        byte[] b = new byte[n / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(from + 2 * i), 16);
            int lo = Character.digit(s.charAt(from + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex: \"" + abbreviate(s) + "\"");
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }

    /**
     * A date or time stamp as MySQL reads it: {@code T} becomes a space; a time stamp with a zone
     * ({@code Z} as CockroachDB sends TIMESTAMPTZ, or an offset) becomes UTC wall-clock time.
     */
    static String dateTime(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return s;
        }
        if (s.endsWith("Z") || s.endsWith("z") || TIME_OFFSET.matcher(s.substring(t)).find()) {
            try {
                LocalDateTime utc = OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                return UTC_TEXT.format(utc);
            } catch (DateTimeParseException e) {
                return s;
            }
        }
        return s.substring(0, t) + ' ' + s.substring(t + 1);
    }

    /** A time of day for a TIME column: a TIMETZ offset ({@code +02}, {@code +05:30}) is dropped, keeping local time. */
    static String time(String s) {
        int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        return sign > 0 ? s.substring(0, sign) : s;
    }

    /** A JSON array of labels as a SET value. */
    static String setText(String array) {
        List<Json.Value> elements = Json.elements(array);
        StringBuilder b = new StringBuilder();
        for (Json.Value e : elements) {
            if (e.kind() == Json.Kind.NULL) {
                continue;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(e.text());
        }
        return b.toString();
    }

    /** A rough upper bound of the bytes a value takes in the statement text, for packet-size chunking. */
    static long size(Json.Value value) {
        return value.text() == null ? 4 : 3L * value.text().length() + 8;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
