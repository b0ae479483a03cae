package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.Json;
import dev.failback.dialect.oracle.OracleType.Kind;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Binds changefeed JSON values to the parameters of one statement, by the target column's
 * {@link OracleType}, and frees the temporary LOBs it created. One instance per statement
 * execution; not thread-safe.
 */
final class Binder implements AutoCloseable {

    /** Strings longer than this (in UTF-16 units) are bound to CLOB columns as a {@link Clob}. */
    static final int MAX_DIRECT_CLOB_CHARS = 1000;
    /** Byte strings longer than this are bound to BLOB columns as a {@link Blob}. */
    static final int MAX_DIRECT_BLOB_BYTES = OracleType.STANDARD_RAW;

    /** {@code oracle.jdbc.OracleTypes.BINARY_FLOAT} and {@code BINARY_DOUBLE}: binds that carry NaN and infinities. */
    private static final int ORACLE_BINARY_FLOAT = 100;
    private static final int ORACLE_BINARY_DOUBLE = 101;

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What the connected database is: real Oracle, or H2 in Oracle mode (tests). */
    enum Flavor {
        ORACLE, H2;

        static Flavor of(Connection connection) throws SQLException {
            DatabaseMetaData md = connection.getMetaData();
            return "H2".equals(md.getDatabaseProductName()) ? H2 : ORACLE;
        }
    }

    private final Connection connection;
    private final Flavor flavor;
    private final List<Object> lobs = new ArrayList<>();

    Binder(Connection connection, Flavor flavor) {
        this.connection = connection;
        this.flavor = flavor;
    }

    /** Binds one value; {@code value} is never null ({@link Json.Value#NULL} for null). */
    void bind(PreparedStatement ps, int index, OracleType type, Json.Value value) throws SQLException {
        if (value.kind() == Json.Kind.NULL) {
            ps.setNull(index, nullType(type.kind()));
            return;
        }
        switch (type.kind()) {
            case NUMBER:
                bindNumber(ps, index, value);
                return;
            case BINARY_DOUBLE:
            case BINARY_FLOAT:
                bindBinaryFloat(ps, index, type.kind(), value);
                return;
            case CHAR:
                ps.setString(index, pad(text(value), type));
                return;
            case VARCHAR:
            case OTHER:
                ps.setString(index, text(value));
                return;
            case CLOB:
                bindClob(ps, index, text(value));
                return;
            case RAW:
            case BLOB:
                bindBytes(ps, index, type.kind(), value);
                return;
            case DATE:
            case TIMESTAMP:
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                bindTime(ps, index, type.kind(), value);
                return;
            case BOOLEAN:
                if (value.kind() == Json.Kind.BOOLEAN) {
                    ps.setBoolean(index, value.text().equals("true"));
                } else {
                    ps.setString(index, value.text());
                }
                return;
            default:
                throw new IllegalStateException("unhandled kind " + type.kind());
        }
    }

    /**
     * The text written to a character column: strings as they are, numbers as their exact JSON text,
     * booleans as {@code 1}/{@code 0} (what the Oracle driver writes for {@code setBoolean}),
     * objects and arrays as their JSON text.
     */
    static String text(Json.Value value) {
        if (value.kind() == Json.Kind.BOOLEAN) {
            return value.text().equals("true") ? "1" : "0";
        }
        return value.text();
    }

    /** Pads a CHAR value to the column's length, as Oracle stores it, so key comparisons match. */
    static String pad(String s, OracleType type) {
        int have = type.byteSemantics() ? s.getBytes(StandardCharsets.UTF_8).length
                : type.national() ? s.length() : s.codePointCount(0, s.length());
        if (have >= type.length()) {
            return s;
        }
        return s + " ".repeat(type.length() - have);
    }

    private static void bindNumber(PreparedStatement ps, int index, Json.Value value) throws SQLException {
        switch (value.kind()) {
            case NUMBER:
                ps.setBigDecimal(index, new BigDecimal(value.text()));
                return;
            case BOOLEAN:
                ps.setBigDecimal(index, value.text().equals("true") ? BigDecimal.ONE : BigDecimal.ZERO);
                return;
            default:
                // strings ("NaN", digits in a STRING column) are converted, or refused, by the server
                ps.setString(index, value.text());
        }
    }

    private void bindBinaryFloat(PreparedStatement ps, int index, Kind kind, Json.Value value) throws SQLException {
        Double d = value.kind() == Json.Kind.NUMBER ? Double.valueOf(value.text()) : nonFinite(value.text());
        if (d == null) {
            ps.setString(index, text(value));
            return;
        }
        boolean single = kind == Kind.BINARY_FLOAT;
        if (flavor == Flavor.ORACLE) {
            // setDouble binds an Oracle NUMBER, which cannot carry NaN or infinities
            ps.setObject(index, single ? (Object) d.floatValue() : d, single ? ORACLE_BINARY_FLOAT : ORACLE_BINARY_DOUBLE);
        } else if (single) {
            ps.setFloat(index, d.floatValue());
        } else {
            ps.setDouble(index, d);
        }
    }

    /** {@code NaN}, {@code Infinity}, {@code -Infinity} as the changefeed writes them; null for anything else. */
    static Double nonFinite(String s) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                return null;
        }
    }

    private void bindClob(PreparedStatement ps, int index, String s) throws SQLException {
        if (s.length() <= MAX_DIRECT_CLOB_CHARS) {
            ps.setString(index, s);
            return;
        }
        // a long VARCHAR2 bind in a MERGE source row is ORA-01461; a temporary CLOB is not
        Clob clob = connection.createClob();
        lobs.add(clob);
        clob.setString(1, s);
        ps.setClob(index, clob);
    }

    private void bindBytes(PreparedStatement ps, int index, Kind kind, Json.Value value) throws SQLException {
        byte[] bytes = value.kind() == Json.Kind.STRING ? bytes(value.text()) : null;
        if (bytes == null) {
            ps.setString(index, text(value));
            return;
        }
        if (kind == Kind.BLOB && bytes.length > MAX_DIRECT_BLOB_BYTES) {
            Blob blob = connection.createBlob();
            lobs.add(blob);
            blob.setBytes(1, bytes);
            ps.setBlob(index, blob);
            return;
        }
        ps.setBytes(index, bytes);
    }

    /**
     * Decodes CockroachDB BYTES ({@code \x} and hex digits) or a UUID (16 bytes, for RAW(16) key
     * columns); null for anything else.
     */
    static byte[] bytes(String s) {
        if (s.startsWith("\\x") && s.length() % 2 == 0) {
            byte[] out = new byte[(s.length() - 2) / 2];
            for (int i = 0; i < out.length; i++) {
                int hi = Character.digit(s.charAt(2 + 2 * i), 16);
                int lo = Character.digit(s.charAt(3 + 2 * i), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out[i] = (byte) (hi << 4 | lo);
            }
            return out;
        }
        if (s.length() == 36 && UUID_TEXT.matcher(s).matches()) {
            UUID u = UUID.fromString(s);
            return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        }
        return null;
    }

    private static void bindTime(PreparedStatement ps, int index, Kind kind, Json.Value value) throws SQLException {
        Object t = value.kind() == Json.Kind.STRING ? time(value.text(), kind) : null;
        if (t == null) {
            ps.setString(index, value.text());
        } else {
            ps.setObject(index, t);
        }
    }

    /**
     * Parses CockroachDB DATE, TIMESTAMP and TIMESTAMPTZ text for a column kind: a
     * {@link LocalDateTime} for DATE and TIMESTAMP (a zoned input converted to UTC; DATE drops
     * fractional seconds), an {@link OffsetDateTime} for the zoned kinds (an input without zone is
     * UTC); null when the text is not a date or timestamp.
     */
    static Object time(String s, Kind kind) {
        OffsetDateTime zoned = null;
        LocalDateTime local = null;
        try {
            String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            if (t.length() == 10) {
                local = LocalDate.parse(t).atStartOfDay();
            } else if (t.endsWith("Z") || t.endsWith("z") || hasOffset(t)) {
                zoned = OffsetDateTime.parse(t.endsWith("z") ? t.substring(0, t.length() - 1) + 'Z' : normalizeOffset(t));
            } else {
                local = LocalDateTime.parse(t);
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        switch (kind) {
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                return zoned != null ? zoned : local.atOffset(ZoneOffset.UTC);
            case DATE:
                return (zoned != null ? zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : local)
                        .truncatedTo(ChronoUnit.SECONDS);
            default:
                return zoned != null ? zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : local;
        }
    }

    private static boolean hasOffset(String t) {
        int i = t.indexOf('T');
        return i > 0 && (t.indexOf('+', i) > 0 || t.indexOf('-', i) > 0);
    }

    /** {@code +02} becomes {@code +02:00}; {@code +02:00:00} stays valid for {@link OffsetDateTime}. */
    private static String normalizeOffset(String t) {
        int i = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
        String offset = t.substring(i);
        return offset.length() == 3 ? t + ":00" : t;
    }

    private static int nullType(Kind kind) {
        switch (kind) {
            case NUMBER:
                return Types.NUMERIC;
            case BINARY_DOUBLE:
                return Types.DOUBLE;
            case BINARY_FLOAT:
                return Types.REAL;
            case CLOB:
                return Types.CLOB;
            case BLOB:
                return Types.BLOB;
            case RAW:
                return Types.VARBINARY;
            case DATE:
            case TIMESTAMP:
                return Types.TIMESTAMP;
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                return Types.TIMESTAMP_WITH_TIMEZONE;
            case BOOLEAN:
                return Types.BOOLEAN;
            default:
                return Types.VARCHAR;
        }
    }

    /** Frees the temporary LOBs created for this statement. */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (Object lob : lobs) {
            try {
                if (lob instanceof Clob) {
                    ((Clob) lob).free();
                } else {
                    ((Blob) lob).free();
                }
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        lobs.clear();
        if (first != null) {
            throw first;
        }
    }
}
