package dev.failback.dialect.oracle;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Oracle's {@code TO_CLOB}, {@code TO_BLOB} and {@code NLSSORT}, which H2 lacks, for the H2 test fixture
 * {@code oracle/h2-oracle-catalog.sql} ({@code CREATE ALIAS}). Test code only.
 */
public final class H2OracleFunctions {
    private H2OracleFunctions() {
    }

    /** {@code TO_CLOB(text)}: H2 converts the argument (a string or a CLOB) to text. */
    public static String toClob(String s) {
        return s;
    }

    /** {@code TO_BLOB(raw)}: H2 converts the argument (bytes or a BLOB) to bytes. */
    public static byte[] toBlob(byte[] b) {
        return b;
    }

    /**
     * {@code NLSSORT(text, 'NLS_SORT=name')} for the binary sorts: {@code BINARY} (the UTF-8 bytes),
     * {@code BINARY_CI} (of the lower-cased text) and {@code BINARY_AI} (lower-cased, accents removed).
     */
    public static byte[] nlssort(String s, String parameter) {
        if (s == null) {
            return null;
        }
        String sort = parameter.substring(parameter.indexOf('=') + 1).trim().toUpperCase(Locale.ROOT);
        String key = switch (sort) {
            case "BINARY" -> s;
            case "BINARY_CI" -> s.toLowerCase(Locale.ROOT);
            case "BINARY_AI" -> Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
            default -> throw new IllegalArgumentException("the H2 fixture has no NLS_SORT " + sort);
        };
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
