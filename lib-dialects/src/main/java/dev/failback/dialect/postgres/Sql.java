package dev.failback.dialect.postgres;

import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SQL text helpers: identifier quoting and per-type conversion expressions. Stateless. */
final class Sql {

    /** Types whose explicit cast would silently truncate: cast to the unconstrained type instead. */
    private static final Pattern TRUNCATING = Pattern.compile(
            "^(character varying|character|bit varying|bit)\\(\\d+\\)((?:\\[\\])*)( COLLATE .+)?$");
    private static final Pattern BLANK_PADDED = Pattern.compile("^(character(\\(\\d+\\))?|bpchar)$");
    private static final Pattern GEO = Pattern.compile("^(.*?)(geometry|geography)(?:\\((\\w+)(?:,(-?\\d+))?\\))?$");

    private Sql() {
    }

    /** Quotes an identifier, doubling embedded quotes. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The schema-qualified, quoted table name. */
    static String table(TableName table) {
        return quote(table.schema()) + "." + quote(table.name());
    }

    /**
     * The type to convert a text (or JSON) value to before it is assigned to the column: the column's
     * own type, except that length-limited character and bit types lose their length (an explicit
     * cast to {@code varchar(n)}, {@code char(n)} or {@code bit(n)} truncates silently, while the
     * assignment that follows raises an error instead). A trailing {@code COLLATE "x"} (CockroachDB
     * collated strings, which only accept collated values) is kept.
     */
    static String castType(ColumnInfo column) {
        Matcher m = TRUNCATING.matcher(column.sqlType());
        if (!m.matches()) {
            return column.sqlType();
        }
        String base = m.group(1).startsWith("bit") ? "bit varying" : "text";
        return base + m.group(2) + (m.group(3) == null ? "" : m.group(3));
    }

    /** Whether the column is a PostgreSQL {@code character(n)} ({@code bpchar}), which ignores trailing spaces. */
    static boolean isBlankPadded(ColumnInfo column) {
        return BLANK_PADDED.matcher(column.sqlType()).matches();
    }

    /** Whether the column holds PostGIS data written from GeoJSON. */
    static boolean isGeo(ColumnInfo column) {
        return column.typeKind().equals(PostgresDialect.KIND_GEOMETRY)
                || column.typeKind().equals(PostgresDialect.KIND_GEOGRAPHY);
    }

    /** Whether the column is an array of json or jsonb. */
    static boolean isJsonArray(ColumnInfo column) {
        String t = column.sqlType();
        return column.typeKind().equals(PostgresDialect.KIND_ARRAY) && (t.startsWith("json[]") || t.startsWith("jsonb[]"));
    }

    /**
     * An expression converting {@code expr} (text, or jsonb for geo columns) to the column's type.
     * Geometry and geography go through {@code ST_GeomFromGeoJSON}, keeping the SRID the column
     * declares (4326 when it declares none).
     */
    static String convert(String expr, ColumnInfo column) {
        if (!isGeo(column)) {
            return expr + "::" + castType(column);
        }
        Matcher m = GEO.matcher(column.sqlType());
        String prefix = m.matches() ? m.group(1) : "";
        String geom = prefix + "st_geomfromgeojson((" + expr + ")::text)";
        if (m.matches() && m.group(4) != null && !m.group(4).equals("0")) {
            geom = prefix + "st_setsrid(" + geom + ", " + m.group(4) + ")";
        }
        return column.typeKind().equals(PostgresDialect.KIND_GEOGRAPHY) ? geom + "::" + column.sqlType() : geom;
    }
}
