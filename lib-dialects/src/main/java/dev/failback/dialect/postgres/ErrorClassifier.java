package dev.failback.dialect.postgres;

import dev.failback.spi.ErrorKind;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * PostgreSQL's error kinds beyond the SPI's SQLState rules. Transient: operator intervention
 * ({@code 57P01}-{@code 57P03}, {@code 57P05}), lock not available ({@code 55P03}), and errors without
 * SQLState that mean a lost connection.
 */
final class ErrorClassifier {
    private ErrorClassifier() {
    }

    /**
     * Classifies an error.
     *
     * @param e the error
     * @return its kind, or null for the SPI's SQLState rules
     */
    static ErrorKind classify(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return connectionLost(e) ? ErrorKind.TRANSIENT : ErrorKind.FATAL;
        }
        if (state.equals("55P03") || state.startsWith("57P0") && !state.equals("57P04")) {
            return ErrorKind.TRANSIENT;
        }
        return null;
    }

    private static boolean connectionLost(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("closed") || message.contains("connection reset") || message.contains("broken pipe")) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
