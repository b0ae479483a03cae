package dev.failback.testing.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes JSON text the way CockroachDB's changefeed encoder does: object keys sorted bytewise,
 * {@code ", "} and {@code ": "} separators, only {@code \\ \" \n \r \t} and other control characters
 * escaped, numbers as their decimal text, timestamps in Go's RFC 3339 layout. Values are passed
 * around as JSON <em>text</em> (for example {@code 42}, {@code "abc"}, {@code null}). Stateless and
 * thread-safe.
 */
public final class CrdbJson {
    /** JSON {@code null}. */
    public static final String NULL = "null";

    /** Orders strings by their UTF-8 bytes (the same as by code points), as CockroachDB sorts object keys. */
    public static final Comparator<String> BYTEWISE = CrdbJson::compareBytewise;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private CrdbJson() {
    }

    /**
     * Returns a new empty row: a map of column name to JSON value text, sorted bytewise.
     *
     * @return a new mutable map
     */
    public static SortedMap<String, String> row() {
        return new TreeMap<>(BYTEWISE);
    }

    /**
     * Returns a bytewise-sorted copy of a row.
     *
     * @param row column name to JSON value text
     * @return a new mutable map
     */
    public static SortedMap<String, String> row(Map<String, String> row) {
        SortedMap<String, String> copy = row();
        copy.putAll(row);
        return copy;
    }

    /**
     * Quotes a string as CockroachDB does.
     *
     * @param s the string; null gives {@code null}
     * @return JSON text
     */
    public static String string(String s) {
        if (s == null) {
            return NULL;
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Writes an integer.
     *
     * @param n the number
     * @return JSON text
     */
    public static String number(long n) {
        return Long.toString(n);
    }

    /**
     * Writes a decimal keeping its scale ({@code 12.50} stays {@code 12.50}), as CockroachDB writes DECIMAL.
     *
     * @param n the number; null gives {@code null}
     * @return JSON text
     */
    public static String number(BigDecimal n) {
        return n == null ? NULL : n.toPlainString();
    }

    /**
     * Writes a boolean.
     *
     * @param b the value
     * @return JSON text
     */
    public static String bool(boolean b) {
        return Boolean.toString(b);
    }

    /**
     * Writes a TIMESTAMPTZ: UTC, trailing fractional zeros trimmed, {@code Z} ({@code "2025-09-30T14:30:15.1234Z"}).
     *
     * @param t the instant; null gives {@code null}
     * @return JSON text
     */
    public static String timestamptz(Instant t) {
        return t == null ? NULL : "\"" + format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)) + "Z\"";
    }

    /**
     * Writes a TIMESTAMP (without time zone), trailing fractional zeros trimmed ({@code "2025-09-30T14:30:15.5"}).
     *
     * @param t the time; null gives {@code null}
     * @return JSON text
     */
    public static String timestamp(LocalDateTime t) {
        return t == null ? NULL : "\"" + format(t) + "\"";
    }

    /**
     * Writes an array of JSON value texts ({@code [1, "a"]}); this is also the form of a changefeed {@code key}.
     *
     * @param values JSON value texts
     * @return JSON text
     */
    public static String array(List<String> values) {
        return "[" + String.join(", ", values) + "]";
    }

    /**
     * Writes an array of JSON value texts.
     *
     * @param values JSON value texts
     * @return JSON text
     */
    public static String array(String... values) {
        return array(List.of(values));
    }

    /**
     * Writes an object with its keys sorted bytewise.
     *
     * @param fields key to JSON value text; null gives {@code null}
     * @return JSON text
     */
    public static String object(Map<String, String> fields) {
        if (fields == null) {
            return NULL;
        }
        SortedMap<String, String> sorted = fields instanceof SortedMap<String, String> s && s.comparator() == BYTEWISE
                ? s : row(fields);
        StringBuilder b = new StringBuilder(64).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append(string(e.getKey())).append(": ").append(e.getValue());
        }
        return b.append('}').toString();
    }

    private static String format(LocalDateTime t) {
        String s = SECONDS.format(t);
        int nanos = t.getNano();
        if (nanos == 0) {
            return s;
        }
        String f = String.format("%09d", nanos);
        int end = f.length();
        while (f.charAt(end - 1) == '0') {
            end--;
        }
        return s + "." + f.substring(0, end);
    }

    private static int compareBytewise(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
