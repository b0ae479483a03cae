package dev.failback.dialect.mysql;

import dev.failback.spi.ColumnInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL/MariaDB column type, parsed from {@code information_schema.columns.column_type} (for
 * example {@code decimal(12,2) unsigned}, {@code varchar(255)}, {@code enum('a','b')}), as far as
 * converting and checking values needs it. Immutable; parsed types are cached.
 *
 * @param category the conversion category
 * @param name     the base type name, lower case ({@code bigint}, {@code varchar}, ...)
 * @param length   the declared length or precision ({@code varchar(n)}, {@code bit(n)}, {@code decimal(p,s)}), -1 when none
 * @param scale    the declared scale of {@code decimal(p,s)}, -1 when none
 * @param unsigned whether the type is {@code unsigned}
 * @param labels   the labels of {@code enum} and {@code set}, else empty
 */
record MyType(Category category, String name, int length, int scale, boolean unsigned, List<String> labels) {

    /** How values of a type are converted. */
    enum Category {
        /** tinyint ... bigint (tinyint(1) included: booleans become 1 and 0). */
        INTEGER,
        /** decimal / numeric. */
        DECIMAL,
        /** float, double, real. */
        FLOAT,
        /** bit(n): from a string of binary digits. */
        BIT,
        /** binary, varbinary, the blob family: from {@code \x} hex, or a UUID's 16 bytes. */
        BINARY,
        /** date. */
        DATE,
        /** datetime: time stamps are stored as UTC wall-clock time. */
        DATETIME,
        /** timestamp: written in a session whose time zone is UTC. */
        TIMESTAMP,
        /** time. */
        TIME,
        /** year. */
        YEAR,
        /** json (MySQL) or LONGTEXT with a json_valid check (MariaDB): the JSON text. */
        JSON,
        /** geometry and its subtypes: from GeoJSON with ST_GeomFromGeoJSON. */
        GEOMETRY,
        /** enum: the label. */
        ENUM,
        /** set: a comma-separated string, or a JSON array of labels. */
        SET,
        /** char, varchar, the text family, and anything else: text. */
        TEXT
    }

    private static final Pattern TYPE = Pattern.compile(
            "^([a-z0-9_ ]+?)(?:\\((\\d+)(?:,(\\d+))?\\))?((?: unsigned| zerofill| signed)*)$");
    private static final Pattern LABEL = Pattern.compile("'((?:[^']|'')*)'");
    private static final Map<String, MyType> CACHE = new ConcurrentHashMap<>();

    MyType {
        labels = List.copyOf(labels);
    }

    /** The type of a column. */
    static MyType of(ColumnInfo column) {
        String key = column.typeKind() + "|" + column.sqlType();
        MyType t = CACHE.get(key);
        if (t == null) {
            t = parse(column.sqlType(), column.typeKind());
            if (CACHE.size() < 10_000) {
                CACHE.put(key, t);
            }
        }
        return t;
    }

    static MyType parse(String sqlType, String typeKind) {
        String type = sqlType.trim().toLowerCase(Locale.ROOT);
        if (type.startsWith("enum(") || type.startsWith("set(")) {
            List<String> labels = new ArrayList<>();
            Matcher m = LABEL.matcher(sqlType.substring(sqlType.indexOf('(')));
            while (m.find()) {
                labels.add(m.group(1).replace("''", "'"));
            }
            boolean isEnum = type.startsWith("enum(");
            return new MyType(isEnum ? Category.ENUM : Category.SET, isEnum ? "enum" : "set", -1, -1, false, labels);
        }
        Matcher m = TYPE.matcher(type);
        String name = m.matches() ? m.group(1).trim() : type;
        int length = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : -1;
        int scale = m.matches() && m.group(3) != null ? Integer.parseInt(m.group(3)) : -1;
        boolean unsigned = m.matches() && m.group(4).contains("unsigned");
        Category category;
        if (typeKind.equals(MySqlDialect.KIND_JSON) || name.equals("json")) {
            category = Category.JSON;
        } else if (typeKind.equals(MySqlDialect.KIND_GEOMETRY)) {
            category = Category.GEOMETRY;
        } else {
            category = category(name);
        }
        return new MyType(category, name, length, scale, unsigned, List.of());
    }

    static Category category(String name) {
        switch (name) {
            case "tinyint":
            case "smallint":
            case "mediumint":
            case "int":
            case "integer":
            case "bigint":
            case "bool":
            case "boolean":
                return Category.INTEGER;
            case "decimal":
            case "numeric":
            case "dec":
            case "fixed":
                return Category.DECIMAL;
            case "float":
            case "double":
            case "double precision":
            case "real":
                return Category.FLOAT;
            case "bit":
                return Category.BIT;
            case "binary":
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return Category.BINARY;
            case "date":
                return Category.DATE;
            case "datetime":
                return Category.DATETIME;
            case "timestamp":
                return Category.TIMESTAMP;
            case "time":
                return Category.TIME;
            case "year":
                return Category.YEAR;
            case "geometry":
            case "point":
            case "linestring":
            case "polygon":
            case "multipoint":
            case "multilinestring":
            case "multipolygon":
            case "geometrycollection":
            case "geomcollection":
                return Category.GEOMETRY;
            default:
                return Category.TEXT;
        }
    }

    /** Whether this is {@code binary(16)}, which holds a UUID as its 16 bytes. */
    boolean isUuidBinary() {
        return name.equals("binary") && length == 16;
    }

    /**
     * The inclusive range of an integer type, as {min, max}.
     *
     * @throws IllegalStateException when this is no integer type
     */
    java.math.BigInteger[] integerRange() {
        int bits;
        switch (name) {
            case "tinyint":
            case "bool":
            case "boolean":
                bits = 8;
                break;
            case "smallint":
                bits = 16;
                break;
            case "mediumint":
                bits = 24;
                break;
            case "int":
            case "integer":
                bits = 32;
                break;
            case "bigint":
                bits = 64;
                break;
            default:
                throw new IllegalStateException("not an integer type: " + name);
        }
        java.math.BigInteger two = java.math.BigInteger.TWO;
        if (unsigned) {
            return new java.math.BigInteger[] {java.math.BigInteger.ZERO, two.pow(bits).subtract(java.math.BigInteger.ONE)};
        }
        return new java.math.BigInteger[] {two.pow(bits - 1).negate(), two.pow(bits - 1).subtract(java.math.BigInteger.ONE)};
    }

    /** The most bytes a text or blob type holds, or -1 when the type has a character length instead. */
    long maxBytes() {
        switch (name) {
            case "tinytext":
            case "tinyblob":
                return 255;
            case "text":
            case "blob":
                return 65_535;
            case "mediumtext":
            case "mediumblob":
                return 16_777_215;
            case "longtext":
            case "longblob":
                return 4_294_967_295L;
            case "binary":
            case "varbinary":
                return length;
            default:
                return -1;
        }
    }
}
