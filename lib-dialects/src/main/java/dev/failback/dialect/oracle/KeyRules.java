package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.dialect.oracle.OracleType.Kind;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Oracle primary-key columns store two keys CockroachDB keeps apart as one row, and which keys of a
 * window they would merge (#15).
 *
 * <p>By type, computed here exactly as Oracle stores the value the {@code MERGE} binds
 * ({@link OracleType#bindExpression()}, {@link Binder}): {@code NUMBER(p,s)} (and {@code NUMBER(p)},
 * {@code INTEGER}: scale 0) rounds half away from zero to {@code s} fractional digits; {@code FLOAT(b)} keeps
 * {@code ceil(b × 0.30103)} significant digits; {@code BINARY_FLOAT} and {@code BINARY_DOUBLE} keep the nearest
 * float or double; {@code TIMESTAMP(s)} with {@code s < 6} (also {@code WITH [LOCAL] TIME ZONE}, which compare
 * the instant) rounds fractional seconds half up to {@code s} digits; {@code DATE} keeps whole seconds (the
 * bind drops the fraction); {@code CHAR} and {@code NCHAR} compare blank-padded, so trailing blanks do not
 * count. A {@code NUMBER} without precision, {@code VARCHAR2}, {@code NVARCHAR2}, {@code RAW} and
 * {@code TIMESTAMP(6)} keep keys apart.
 *
 * <p>By collation: a key column whose collation ({@code ALL_TAB_COLS.COLLATION}, Oracle 12.2 and later) is
 * neither {@code BINARY} nor {@code USING_NLS_COMP} can compare distinct strings as equal. Its keys are
 * compared by the server: two values are one key when {@code NLSSORT(value, 'NLS_SORT=<collation>')} is
 * equal; the pseudo-collations {@code USING_NLS_SORT[_CI|_AI|_CS]} resolve against the session's
 * {@code NLS_SORT}. Limitations: {@code USING_NLS_COMP} is taken as binary, as it is under the default
 * {@code NLS_COMP=BINARY} (a session with {@code NLS_COMP=LINGUISTIC} would compare by {@code NLS_SORT});
 * without {@code MAX_STRING_SIZE=EXTENDED}, {@code NLSSORT} keys of very long strings are cut short, so such
 * keys may be reported as colliding when only their ends differ; a database before 12.2 has no column
 * collations to read, and neither has H2, whose tests emulate the dictionary column and {@code NLSSORT}
 * (the pseudo-collations are not exercised there). Stateless, thread-safe.
 */
final class KeyRules implements AbstractDialect.KeyComparer {

    /** Collations that compare keys as CockroachDB does; the empty string is a column without one. */
    private static final Set<String> BINARY_COLLATIONS = Set.of("", "BINARY", "USING_NLS_COMP");
    /** The prefix of the pseudo-collations that follow the session's {@code NLS_SORT}. */
    private static final String USING_NLS_SORT = "USING_NLS_SORT";
    /** The most values one {@code NLSSORT} query converts. */
    private static final int NLSSORT_ROWS = 64;
    private static final Pattern FLOAT = Pattern.compile("FLOAT(?:\\((\\d+)\\))?");

    /** How a key column's type merges keys, and the type that keeps them apart. */
    private record TypeFold(String folds, String fixedType) {
    }

    @Override
    public List<KeyHazard> hazards(TableInfo table) {
        List<KeyHazard> hazards = new ArrayList<>();
        for (ColumnInfo c : Shape.keyColumns(table)) {
            TypeFold byType = typeFold(OracleType.parse(c.sqlType()));
            boolean collated = collated(c);
            if (byType == null && !collated) {
                continue;
            }
            List<String> folds = new ArrayList<>(2);
            if (byType != null) {
                folds.add(byType.folds());
            }
            if (collated) {
                folds.add(collationFolds(c.collation()));
            }
            String fix = "ALTER TABLE " + Sql.table(table.name()) + " MODIFY (" + Sql.quote(c.name()) + " "
                    + (byType == null ? c.sqlType() : byType.fixedType()) + (collated ? " COLLATE BINARY" : "") + ")";
            if (byType != null && byType.fixedType().equals("NUMBER") && OracleType.parse(c.sqlType()).precision() > 0) {
                fix += ", or NUMBER(p,s) with a scale at least the source column's";
            }
            hazards.add(new KeyHazard(table.name(), c.name(), c.sqlType(), String.join("; ", folds), fix));
        }
        return hazards;
    }

    @Override
    public List<KeyCollision> collisions(Connection connection, TableInfo table, List<String> keys) throws SQLException {
        List<ColumnInfo> columns = Shape.keyColumns(table);
        List<List<Json.Value>> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            List<Json.Value> v = Json.elements(key);
            if (v.size() != columns.size()) {
                throw new IllegalArgumentException("table " + table.name() + ": key " + key + " has " + v.size()
                        + " value(s) but the primary key " + table.primaryKey() + " has " + columns.size());
            }
            values.add(v);
        }
        List<List<String>> stored = new ArrayList<>(keys.size());
        for (int k = 0; k < keys.size(); k++) {
            stored.add(new ArrayList<>(columns.size()));
        }
        for (int i = 0; i < columns.size(); i++) {
            ColumnInfo c = columns.get(i);
            OracleType type = OracleType.parse(c.sqlType());
            List<Json.Value> column = new ArrayList<>(keys.size());
            for (List<Json.Value> key : values) {
                column.add(key.get(i));
            }
            List<String> forms = collated(c) ? sortKeys(connection, c, type, column) : storedForms(type, column);
            for (int k = 0; k < keys.size(); k++) {
                stored.get(k).add(forms.get(k));
            }
        }
        Map<List<String>, Integer> first = new HashMap<>();
        List<KeyCollision> collisions = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            Integer kept = first.putIfAbsent(stored.get(k), k);
            if (kept != null) {
                collisions.add(new KeyCollision(keys.get(kept), keys.get(k),
                        because(columns, values.get(kept), values.get(k), stored.get(k))));
            }
        }
        return collisions;
    }

    /** Names each column whose source values differ but are stored (or compared) as one. */
    private static String because(List<ColumnInfo> columns, List<Json.Value> kept, List<Json.Value> merged,
            List<String> stored) {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (kept.get(i).equals(merged.get(i))) {
                continue;
            }
            ColumnInfo c = columns.get(i);
            reasons.add("column " + c.name() + " " + c.sqlType() + (collated(c)
                    ? " compares both as equal under collation " + c.collation()
                    : " stores both as " + stored.get(i)));
        }
        return reasons.isEmpty() ? "the keys hold the same values" : String.join(" and ", reasons);
    }

    private static boolean collated(ColumnInfo c) {
        return !BINARY_COLLATIONS.contains(c.collation());
    }

    /** What a column type merges, or null for a type that keeps CockroachDB's keys apart. */
    private static TypeFold typeFold(OracleType type) {
        switch (type.kind()) {
            case NUMBER:
                Matcher f = FLOAT.matcher(type.sqlType().trim().toUpperCase(Locale.ROOT));
                if (f.matches()) {
                    return new TypeFold("keeps " + floatDigits(f) + " significant digits, so keys that differ beyond"
                            + " them are one key", "NUMBER");
                }
                if (type.precision() == 0 || type.scale() == 0) {
                    // NUMBER(p) holds the integer keys a migrated INT8 column sends: only a scale rounds them
                    return null;
                }
                return new TypeFold("rounds keys to " + (type.scale() > 0 ? type.scale() + " fractional digits"
                        : "multiples of 1E" + -type.scale())
                        + " (half away from zero), so keys that differ beyond them are one key", "NUMBER");
            case BINARY_FLOAT:
            case BINARY_DOUBLE:
                return new TypeFold("stores keys as " + (type.kind() == Kind.BINARY_FLOAT ? "32" : "64")
                        + "-bit binary floating point, so decimal keys that round to one value are one key", "NUMBER");
            case TIMESTAMP:
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                if (type.scale() >= 6) {
                    return null;
                }
                return new TypeFold("rounds fractional seconds to " + type.scale() + " digits, so timestamps that differ"
                        + " below that are one key", "TIMESTAMP(6)" + (type.kind() == Kind.TIMESTAMP ? ""
                        : type.kind() == Kind.TIMESTAMP_TZ ? " WITH TIME ZONE" : " WITH LOCAL TIME ZONE"));
            case DATE:
                return new TypeFold("keeps whole seconds, so timestamps within one second are one key", "TIMESTAMP(6)");
            case CHAR:
                return new TypeFold("compares blank-padded, so 'a' and 'a ' are one key", type.national()
                        ? "NVARCHAR2(" + type.length() + ")"
                        : "VARCHAR2(" + type.length() + (type.byteSemantics() ? " BYTE)" : " CHAR)"));
            default:
                return null;
        }
    }

    private static String collationFolds(String collation) {
        if (collation.startsWith(USING_NLS_SORT)) {
            return "collation " + collation + " compares as the session's NLS_SORT, which can ignore case or accents";
        }
        if (collation.endsWith("_AI")) {
            return "collation " + collation + " ignores accents and case, so 'a', 'A' and 'á' are one key";
        }
        if (collation.endsWith("_CI")) {
            return "collation " + collation + " ignores case, so 'a' and 'A' are one key";
        }
        return "collation " + collation + " is linguistic and can compare distinct strings as equal";
    }

    /** Decimal digits of {@code FLOAT(b)}: {@code ceil(b × 0.30103)}, 38 for the default {@code FLOAT(126)}. */
    private static int floatDigits(Matcher floatType) {
        int bits = floatType.group(1) == null ? 126 : Integer.parseInt(floatType.group(1));
        return (int) Math.ceil(bits * 0.30103);
    }

    private static List<String> storedForms(OracleType type, List<Json.Value> values) {
        List<String> forms = new ArrayList<>(values.size());
        for (Json.Value v : values) {
            forms.add(stored(type, v));
        }
        return forms;
    }

    /**
     * What a key value becomes in a column of a type that does not collate, as text: equal texts are one key.
     * A value that cannot be converted keeps its JSON text (the upsert refuses it, so it merges nothing).
     */
    static String stored(OracleType type, Json.Value v) {
        String asSent = v.kind() + " " + v.text();
        switch (type.kind()) {
            case NUMBER:
                BigDecimal d = decimal(v);
                if (d == null) {
                    return asSent;
                }
                Matcher f = FLOAT.matcher(type.sqlType().trim().toUpperCase(Locale.ROOT));
                if (f.matches()) {
                    return d.round(new MathContext(floatDigits(f), RoundingMode.HALF_UP)).stripTrailingZeros().toString();
                }
                return type.precision() == 0 ? d.stripTrailingZeros().toString()
                        : d.setScale(type.scale(), RoundingMode.HALF_UP).toPlainString();
            case BINARY_FLOAT:
            case BINARY_DOUBLE:
                Double x = binary(v);
                if (x == null) {
                    return asSent;
                }
                // + 0.0 makes -0.0 the same key as 0.0, as the comparison does
                return type.kind() == Kind.BINARY_FLOAT ? Float.toString(x.floatValue() + 0.0f) : Double.toString(x + 0.0);
            case CHAR:
                return "'" + Binder.text(v).replaceFirst(" +$", "") + "' (blank-padded)";
            case DATE:
            case TIMESTAMP:
            case TIMESTAMP_TZ:
            case TIMESTAMP_LTZ:
                Object t = v.kind() == Json.Kind.STRING ? Binder.time(v.text(), type.kind()) : null;
                if (t instanceof LocalDateTime local) {
                    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(roundedTo(local, type.kind() == Kind.DATE ? 0 : type.scale()));
                }
                if (t instanceof OffsetDateTime zoned) {
                    Instant i = zoned.toInstant();
                    return i.truncatedTo(ChronoUnit.SECONDS).plusNanos(roundedNanos(i.getNano(), type.scale())).toString();
                }
                return asSent;
            default:
                return asSent;
        }
    }

    private static BigDecimal decimal(Json.Value v) {
        if (v.kind() == Json.Kind.BOOLEAN) {
            return v.text().equals("true") ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v.kind() != Json.Kind.NUMBER && v.kind() != Json.Kind.STRING) {
            return null;
        }
        try {
            return new BigDecimal(v.text().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double binary(Json.Value v) {
        if (v.kind() != Json.Kind.NUMBER && v.kind() != Json.Kind.STRING) {
            return null;
        }
        Double nonFinite = Binder.nonFinite(v.text());
        if (nonFinite != null || v.kind() != Json.Kind.NUMBER) {
            return nonFinite;
        }
        try {
            return Double.valueOf(v.text());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static LocalDateTime roundedTo(LocalDateTime t, int digits) {
        return t.truncatedTo(ChronoUnit.SECONDS).plusNanos(roundedNanos(t.getNano(), digits));
    }

    /** Nanoseconds rounded half up to {@code digits} fractional digits; may be a whole second. */
    private static long roundedNanos(int nanos, int digits) {
        long unit = (long) Math.pow(10, 9 - digits);
        return (nanos + unit / 2) / unit * unit;
    }

    /**
     * The server's sort keys of a collated column's values, as hex: {@code NLSSORT} of each value converted
     * as the {@code MERGE} converts it, under the column's collation.
     */
    private static List<String> sortKeys(Connection connection, ColumnInfo c, OracleType type, List<Json.Value> values)
            throws SQLException {
        String expression = "NLSSORT(" + type.bindExpression() + ", '"
                + ("NLS_SORT=" + sortName(connection, c.collation())).replace("'", "''") + "')";
        Binder.Flavor flavor = Binder.Flavor.of(connection);
        List<String> keys = new ArrayList<>(values.size());
        int done = 0;
        while (done < values.size()) {
            int n = Writer.bucket(values.size() - done, NLSSORT_ROWS);
            StringBuilder sql = new StringBuilder();
            for (int r = 0; r < n; r++) {
                sql.append(r == 0 ? "" : " UNION ALL ").append("SELECT ").append(r).append(", ").append(expression)
                        .append(" FROM DUAL");
            }
            String[] chunk = new String[n];
            try (PreparedStatement ps = connection.prepareStatement(sql.toString());
                    Binder binder = new Binder(connection, flavor)) {
                for (int r = 0; r < n; r++) {
                    binder.bind(ps, r + 1, type, values.get(done + r));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] key = rs.getBytes(2);
                        chunk[rs.getInt(1)] = key == null ? "NULL" : HexFormat.of().formatHex(key);
                    }
                }
            }
            keys.addAll(List.of(chunk));
            done += n;
        }
        return keys;
    }

    /** The linguistic sort of a collation: itself, or for a {@code USING_NLS_SORT...} pseudo-collation the session's. */
    private static String sortName(Connection connection, String collation) throws SQLException {
        if (!collation.startsWith(USING_NLS_SORT)) {
            return collation;
        }
        String session;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT SYS_CONTEXT('USERENV', 'NLS_SORT') FROM DUAL")) {
            rs.next();
            session = rs.getString(1);
        }
        String suffix = collation.substring(USING_NLS_SORT.length());
        String base = session.replaceFirst("_(CI|AI|CS)$", "");
        return suffix.isEmpty() ? session : suffix.equals("_CS") ? base : base + suffix;
    }
}
