package dev.failback.dialect.cockroach;

import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.ErrorKind;
import java.sql.SQLException;
import java.util.Locale;

/**
 * CockroachDB's error kinds before PostgreSQL's: transaction retry errors ({@code 40001},
 * {@code 40003}, "restart transaction"), connection errors ({@code 08*}) and {@code 57P01} are
 * transient; everything else is classified as by {@link PostgresDialect}.
 */
final class ErrorClassifier {
    private static final PostgresDialect POSTGRES = new PostgresDialect();

    private ErrorClassifier() {
    }

    /**
     * Classifies an error.
     *
     * @param e the error
     * @return its kind, never null
     */
    static ErrorKind classify(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.equals("40001") || state.equals("40003") || state.startsWith("08")
                || state.equals("57P01"))) {
            return ErrorKind.TRANSIENT;
        }
        String message = e.getMessage();
        if (message != null && message.toLowerCase(Locale.ROOT).contains("restart transaction")) {
            return ErrorKind.TRANSIENT;
        }
        return POSTGRES.classify(e);
    }
}
