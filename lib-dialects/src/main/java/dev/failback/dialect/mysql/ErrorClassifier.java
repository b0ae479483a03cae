package dev.failback.dialect.mysql;

import dev.failback.spi.ErrorKind;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** MySQL's and MariaDB's error kinds, decided without the SPI's SQLState rules. */
final class ErrorClassifier {
    private ErrorClassifier() {
    }

    /**
     * By MySQL/MariaDB error number ({@link SQLException#getErrorCode()}), then SQLState:
     * <ul>
     *   <li>transient: 1213 deadlock, 1205 lock wait timeout, 2006/2013 server gone or connection lost,
     *       1040 too many connections, 1047/1053/1077-1080 server shutting down or unknown command,
     *       4031 disconnected for inactivity, 1927 connection killed (MariaDB), 3572 lock NOWAIT;
     *       SQLState {@code 08*} and {@code 40001}; and driver exceptions that mean a lost connection;</li>
     *   <li>constraint: 1451/1452 foreign key, 1062 duplicate key, 1048 NOT NULL, 3819/4025 check constraint;</li>
     *   <li>bad data: 1264 out of range, 1265 truncated, 1366 incorrect value, 1406 too long, 1292 incorrect
     *       date/time, 3140 invalid JSON (MySQL), 4078 invalid JSON (MariaDB), 1367/1690 value out of range;</li>
     *   <li>everything else by SQLState ({@link ErrorKind#configurationOrFatal}): configuration for missing
     *       tables, privileges, syntax ({@code 42*}), access denied ({@code 28000}), unknown database ({@code 3D000}); else fatal.</li>
     * </ul>
     * (4025 is MariaDB's CHECK violation; its {@code json_valid} check on JSON columns makes invalid JSON a constraint failure there.)
     */
    static ErrorKind classify(SQLException e) {
        for (SQLException x = e; x != null; x = x.getCause() instanceof SQLException s ? s : null) {
            switch (x.getErrorCode()) {
                case 1213:
                case 1205:
                case 2006:
                case 2013:
                case 1040:
                case 1047:
                case 1053:
                case 1077:
                case 1078:
                case 1079:
                case 1080:
                case 4031:
                case 1927:
                case 3572:
                    return ErrorKind.TRANSIENT;
                case 1451:
                case 1452:
                case 1062:
                case 1048:
                case 3819:
                case 4025:
                    return ErrorKind.CONSTRAINT;
                case 1264:
                case 1265:
                case 1366:
                case 1406:
                case 1292:
                case 3140:
                case 4078:
                case 1367:
                case 1690:
                    return ErrorKind.BAD_DATA;
                default:
                    break;
            }
            if (x.getErrorCode() != 0) {
                break;
            }
        }
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("40001"))) {
            return ErrorKind.TRANSIENT;
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof java.sql.SQLNonTransientConnectionException) {
            return ErrorKind.TRANSIENT;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return ErrorKind.TRANSIENT;
            }
        }
        return ErrorKind.configurationOrFatal(state);
    }
}
