package dev.failback.dialect.oracle;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Oracle column type, parsed from the {@code sqlType} that {@link SchemaReader} formats
 * ({@code NUMBER(12,2)}, {@code VARCHAR2(255 CHAR)}, {@code TIMESTAMP(6) WITH TIME ZONE}, ...).
 * Decides how a JSON value is bound and which expression converts the bind in SQL. Immutable.
 *
 * @param kind      the coarse kind
 * @param sqlType   the type as formatted
 * @param length    characters or bytes for character and RAW types, else 0
 * @param byteSemantics whether a character length counts bytes ({@code BYTE}) rather than characters
 * @param national  whether an {@code N...} character type (lengths in UTF-16 code units)
 * @param precision NUMBER precision, 38 when unconstrained, 0 for floating {@code NUMBER}/{@code FLOAT}
 * @param scale     NUMBER scale, fractional digits of TIMESTAMP types
 */
record OracleType(Kind kind, String sqlType, int length, boolean byteSemantics, boolean national, int precision,
        int scale) {

    /** The largest VARCHAR2 (in bytes) and RAW a SQL expression may have unless MAX_STRING_SIZE=EXTENDED. */
    static final int STANDARD_VARCHAR2 = 4000;
    static final int STANDARD_RAW = 2000;

    /** Coarse kinds; also the values of {@link dev.failback.spi.ColumnInfo#typeKind()}. */
    enum Kind {
        NUMBER("number"), BINARY_DOUBLE("binary_double"), BINARY_FLOAT("binary_float"), CHAR("char"),
        VARCHAR("varchar"), CLOB("clob"), RAW("raw"), BLOB("blob"), DATE("date"), TIMESTAMP("timestamp"),
        TIMESTAMP_TZ("timestamp_tz"), TIMESTAMP_LTZ("timestamp_ltz"), BOOLEAN("boolean"), OTHER("");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private static final Pattern NUMBER = Pattern.compile("NUMBER(?:\\((\\d+|\\*)(?:,\\s*(-?\\d+))?\\))?");
    private static final Pattern FLOAT = Pattern.compile("FLOAT(?:\\(\\d+\\))?");
    private static final Pattern CHARS = Pattern.compile("(N?VARCHAR2|VARCHAR|N?CHAR)\\((\\d+)(?:\\s+(CHAR|BYTE))?\\)");
    private static final Pattern RAW = Pattern.compile("RAW\\((\\d+)\\)");
    private static final Pattern TIMESTAMP = Pattern.compile("TIMESTAMP(?:\\((\\d)\\))?( WITH TIME ZONE| WITH LOCAL TIME ZONE)?");

    /** Parses a formatted type; anything unknown is {@link Kind#OTHER}. */
    static OracleType parse(String sqlType) {
        String t = sqlType.trim().toUpperCase(Locale.ROOT);
        Matcher m = NUMBER.matcher(t);
        if (m.matches()) {
            if (m.group(1) == null) {
                return new OracleType(Kind.NUMBER, sqlType, 0, false, false, 0, 0);
            }
            int p = m.group(1).equals("*") ? 38 : Integer.parseInt(m.group(1));
            return new OracleType(Kind.NUMBER, sqlType, 0, false, false, p, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
        }
        if (FLOAT.matcher(t).matches()) {
            return new OracleType(Kind.NUMBER, sqlType, 0, false, false, 0, 0);
        }
        if (t.equals("INTEGER") || t.equals("INT") || t.equals("SMALLINT")) {
            return new OracleType(Kind.NUMBER, sqlType, 0, false, false, 38, 0);
        }
        m = CHARS.matcher(t);
        if (m.matches()) {
            boolean fixed = m.group(1).endsWith("CHAR") && !m.group(1).contains("VAR");
            boolean national = m.group(1).startsWith("N");
            return new OracleType(fixed ? Kind.CHAR : Kind.VARCHAR, sqlType, Integer.parseInt(m.group(2)),
                    !national && "BYTE".equals(m.group(3)), national, 0, 0);
        }
        m = RAW.matcher(t);
        if (m.matches()) {
            return new OracleType(Kind.RAW, sqlType, Integer.parseInt(m.group(1)), true, false, 0, 0);
        }
        m = TIMESTAMP.matcher(t);
        if (m.matches()) {
            int fraction = m.group(1) == null ? 6 : Integer.parseInt(m.group(1));
            Kind kind = m.group(2) == null ? Kind.TIMESTAMP
                    : m.group(2).contains("LOCAL") ? Kind.TIMESTAMP_LTZ : Kind.TIMESTAMP_TZ;
            return new OracleType(kind, sqlType, 0, false, false, 0, fraction);
        }
        switch (t) {
            case "BINARY_DOUBLE":
                return simple(Kind.BINARY_DOUBLE, sqlType);
            case "BINARY_FLOAT":
                return simple(Kind.BINARY_FLOAT, sqlType);
            case "CLOB":
            case "NCLOB":
                return new OracleType(Kind.CLOB, sqlType, 0, false, t.startsWith("N"), 0, 0);
            case "BLOB":
                return simple(Kind.BLOB, sqlType);
            case "DATE":
                return simple(Kind.DATE, sqlType);
            case "BOOLEAN":
                return simple(Kind.BOOLEAN, sqlType);
            default:
                return simple(Kind.OTHER, sqlType);
        }
    }

    private static OracleType simple(Kind kind, String sqlType) {
        return new OracleType(kind, sqlType, 0, false, false, 0, 0);
    }

    /**
     * The SQL expression that converts one bind parameter to this type in a {@code MERGE} source row.
     * Character and RAW types are cast one unit wider than the column (capped at the standard SQL
     * limits), because {@code CAST} to a shorter type truncates silently while the assignment that
     * follows raises ORA-12899. LOBs go through {@code TO_CLOB}/{@code TO_BLOB} (CAST does not
     * support LOBs), so values bound as {@link java.sql.Clob} never meet ORA-01461.
     */
    String bindExpression() {
        switch (kind) {
            case NUMBER:
                return precision == 0 ? "CAST(? AS NUMBER)"
                        : scale == 0 ? "CAST(? AS NUMBER(" + precision + "))" : "CAST(? AS NUMBER(" + precision + "," + scale + "))";
            case BINARY_DOUBLE:
            case BINARY_FLOAT:
            case DATE:
            case BOOLEAN:
                return "CAST(? AS " + kind.name() + ")";
            case CHAR:
            case VARCHAR:
                return "CAST(? AS " + widerCharacterType() + ")";
            case RAW:
                return "CAST(? AS RAW(" + wider(length, STANDARD_RAW) + "))";
            case CLOB:
                return national ? "TO_NCLOB(?)" : "TO_CLOB(?)";
            case BLOB:
                return "TO_BLOB(?)";
            case TIMESTAMP:
                return "CAST(? AS TIMESTAMP(" + scale + "))";
            case TIMESTAMP_TZ:
                return "CAST(? AS TIMESTAMP(" + scale + ") WITH TIME ZONE)";
            case TIMESTAMP_LTZ:
                return "CAST(? AS TIMESTAMP(" + scale + ") WITH LOCAL TIME ZONE)";
            default:
                return "?";
        }
    }

    private String widerCharacterType() {
        if (national) {
            return "NVARCHAR2(" + wider(length, STANDARD_VARCHAR2 / 2) + ")";
        }
        return "VARCHAR2(" + wider(length, STANDARD_VARCHAR2) + (byteSemantics ? " BYTE)" : " CHAR)");
    }

    /** One more than {@code n} within the standard limit; an extended-size column keeps its own size. */
    private static int wider(int n, int standardLimit) {
        return n < standardLimit ? n + 1 : n;
    }

    /** Whether strings are written to this type (character types and LOBs). */
    boolean isText() {
        return kind == Kind.CHAR || kind == Kind.VARCHAR || kind == Kind.CLOB || kind == Kind.OTHER;
    }
}
