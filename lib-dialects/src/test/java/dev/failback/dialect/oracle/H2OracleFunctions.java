package dev.failback.dialect.oracle;

/**
 * Oracle's {@code TO_CLOB} and {@code TO_BLOB}, which H2 lacks, for the H2 test fixture
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
}
