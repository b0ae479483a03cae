package dev.failback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.FailbackConfigurationException;
import dev.failback.spi.ErrorKind;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** What a start failure means: only a database that does not answer yet is retried. */
class DatabasesTest {

    private static FailbackConfigurationException start(Throwable cause) {
        return new FailbackConfigurationException("staging database unusable: " + cause.getMessage(), cause);
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsTransientSoTheStartIsRetried() {
        assertThat(Databases.classify(start(new SQLException("refused", "08001")))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(Databases.classify(start(new SQLTransientConnectionException("pool timeout"))))
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(Databases.classify(start(new SQLException("io", new ConnectException("Connection refused")))))
                .isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void wrongCredentialsMissingDatabasesAndPrivilegesAreConfigurationEvenWhenAlsoUnreachable() {
        for (String s : new String[] {"28P01", "28000", "3D000", "42501", "42P01", "3F000"}) {
            assertThat(Databases.classify(start(new SQLException("x", s)))).as(s).isEqualTo(ErrorKind.CONFIGURATION);
        }
        // the pool's timeout wrapping the server's refusal: the refusal decides
        assertThat(Databases.classify(start(new SQLTransientConnectionException("pool timeout", "08001",
                new SQLException("password authentication failed", "28P01"))))).isEqualTo(ErrorKind.CONFIGURATION);
    }

    @Test
    void anythingElseFailsTheStart() {
        assertThat(Databases.classify(start(new SQLException("x", "XX000")))).isEqualTo(ErrorKind.FATAL);
        assertThat(Databases.classify(new FailbackConfigurationException("no tables", null))).isEqualTo(ErrorKind.FATAL);
    }
}
