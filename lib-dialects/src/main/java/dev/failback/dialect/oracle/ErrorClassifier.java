package dev.failback.dialect.oracle;

import dev.failback.spi.ErrorKind;
import java.sql.SQLException;
import java.util.Map;

/** Oracle's error kinds, by ORA number, before the SPI's SQLState rules. */
final class ErrorClassifier {
    private static final Map<Integer, ErrorKind> ORA = Map.ofEntries(
            // deadlock, resource busy (NOWAIT / WAIT timeout), serialization, library cache lock timeout
            Map.entry(60, ErrorKind.TRANSIENT), Map.entry(54, ErrorKind.TRANSIENT), Map.entry(30006, ErrorKind.TRANSIENT),
            Map.entry(8177, ErrorKind.TRANSIENT), Map.entry(4021, ErrorKind.TRANSIENT),
            // connection lost or refused, instance starting or stopping, too many sessions
            Map.entry(3113, ErrorKind.TRANSIENT), Map.entry(3114, ErrorKind.TRANSIENT), Map.entry(3135, ErrorKind.TRANSIENT),
            Map.entry(12514, ErrorKind.TRANSIENT), Map.entry(12541, ErrorKind.TRANSIENT), Map.entry(12516, ErrorKind.TRANSIENT),
            Map.entry(12519, ErrorKind.TRANSIENT), Map.entry(12520, ErrorKind.TRANSIENT), Map.entry(12528, ErrorKind.TRANSIENT),
            Map.entry(1033, ErrorKind.TRANSIENT), Map.entry(1034, ErrorKind.TRANSIENT), Map.entry(1089, ErrorKind.TRANSIENT),
            Map.entry(18, ErrorKind.TRANSIENT), Map.entry(20, ErrorKind.TRANSIENT),
            // driver-side: I/O error, closed connection, no more data to read from socket
            Map.entry(17002, ErrorKind.TRANSIENT), Map.entry(17008, ErrorKind.TRANSIENT), Map.entry(17410, ErrorKind.TRANSIENT),
            // unique, parent key not found, child record found, cannot insert NULL, check constraint
            Map.entry(1, ErrorKind.CONSTRAINT), Map.entry(2291, ErrorKind.CONSTRAINT), Map.entry(2292, ErrorKind.CONSTRAINT),
            Map.entry(1400, ErrorKind.CONSTRAINT), Map.entry(1407, ErrorKind.CONSTRAINT), Map.entry(2290, ErrorKind.CONSTRAINT),
            // precision, too large for column, invalid number, date formats, LONG bind, overflow, LOB buffer
            Map.entry(1438, ErrorKind.BAD_DATA), Map.entry(12899, ErrorKind.BAD_DATA), Map.entry(1722, ErrorKind.BAD_DATA),
            Map.entry(1840, ErrorKind.BAD_DATA), Map.entry(1841, ErrorKind.BAD_DATA), Map.entry(1861, ErrorKind.BAD_DATA),
            Map.entry(1843, ErrorKind.BAD_DATA), Map.entry(1847, ErrorKind.BAD_DATA), Map.entry(1461, ErrorKind.BAD_DATA),
            Map.entry(1426, ErrorKind.BAD_DATA), Map.entry(22835, ErrorKind.BAD_DATA), Map.entry(1465, ErrorKind.BAD_DATA));

    private ErrorClassifier() {
    }

    /**
     * By ORA number first (the error or any chained cause): transient are ORA-00060 deadlock,
     * ORA-00054/30006 resource busy, ORA-08177 serialization, ORA-04021 lock timeout, lost or refused
     * connections (ORA-03113, 03114, 03135, 12514, 12541, 12516, 12519, 12520, 12528, 01033, 01034,
     * 01089, 00018, 00020; driver 17002, 17008, 17410); constraint are ORA-00001, 02291, 02292, 01400,
     * 01407, 02290; bad data are ORA-01438, 12899, 01722, 01840, 01841, 01843, 01847, 01861, 01461, 01426,
     * 01465, 22835. Otherwise by SQLState as {@link dev.failback.spi.Dialect#classify} does (which is how H2's errors
     * are classified: {@code 23*}, {@code 22*}, {@code 40001}, {@code 08*}), plus H2's lock timeout
     * {@code HYT00}.
     */
    static ErrorKind classify(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof SQLException ? ((SQLException) t).getNextException() : null) {
            if (t instanceof SQLException) {
                ErrorKind kind = ORA.get(((SQLException) t).getErrorCode());
                if (kind != null && isOracle((SQLException) t)) {
                    return kind;
                }
            }
        }
        if ("HYT00".equals(e.getSQLState())) {
            return ErrorKind.TRANSIENT;
        }
        return null;
    }

    /** ORA numbers are taken from Oracle's errors only: H2 reports its own codes in the same field. */
    private static boolean isOracle(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("ORA-") || e.getClass().getName().startsWith("oracle.");
    }
}
