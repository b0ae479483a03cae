package dev.failback.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.ApplyException;
import dev.failback.StagingException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one error model: what each kind decides, and the SPI defaults that decide the kind. */
class ErrorKindTest {

    @ParameterizedTest
    @CsvSource({
        "TRANSIENT, true, 503, transient",
        "CONSTRAINT, true, 503, constraint",
        "BAD_DATA, false, 400, data",
        "CONFIGURATION, true, 503, other",
        "FATAL, true, 503, other"})
    void eachKindDecidesRetryStatusAndLabel(ErrorKind kind, boolean retryable, int status, String label) {
        assertThat(kind.retryable()).isEqualTo(retryable);
        assertThat(kind.webhookStatus()).isEqualTo(status);
        assertThat(kind.label()).isEqualTo(label);
    }

    @Test
    void onlyBadDataIsNotRetryableAndOnlyItIsA400() {
        for (ErrorKind kind : ErrorKind.values()) {
            assertThat(kind.retryable()).as("%s", kind).isEqualTo(kind != ErrorKind.BAD_DATA);
            assertThat(kind.webhookStatus()).as("%s", kind).isEqualTo(kind.retryable() ? 503 : 400);
        }
    }

    @Test
    void sqlStatesAnOperatorMustFixAreConfigurationTheRestFatal() {
        for (String s : List.of("42P01", "42703", "42501", "42S02", "42000", "28000", "28P01", "3D000", "3F000")) {
            assertThat(ErrorKind.configurationOrFatal(s)).as(s).isEqualTo(ErrorKind.CONFIGURATION);
        }
        for (String s : List.of("XX000", "HY000", "21000", "3B001", "3F001", "57P04", "0A000")) {
            assertThat(ErrorKind.configurationOrFatal(s)).as(s).isEqualTo(ErrorKind.FATAL);
        }
        assertThat(ErrorKind.configurationOrFatal(null)).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void theDialectDefaultClassifiesBySqlState() {
        Dialect dialect = defaultsOnly(Dialect.class);
        assertThat(dialect.classify(new SQLException("x", "08006"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("x", "40001"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("x", "23505"))).isEqualTo(ErrorKind.CONSTRAINT);
        assertThat(dialect.classify(new SQLException("x", "22003"))).isEqualTo(ErrorKind.BAD_DATA);
        assertThat(dialect.classify(new SQLException("x", "42P01"))).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(dialect.classify(new SQLException("x", "XX000"))).isEqualTo(ErrorKind.FATAL);
        assertThat(dialect.classify(new SQLRecoverableException("gone"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dialect.classify(new SQLException("no state"))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void theStagingStoreDefaultMakesOnlyProgramLimitsBadDataSoEverythingElseIsA503() {
        StagingStore store = defaultsOnly(StagingStore.class);
        assertThat(store.classify(new SQLException("index row size exceeds btree maximum", "54000")))
                .isEqualTo(ErrorKind.BAD_DATA);
        for (String s : List.of("08001", "08006", "40001", "40P01", "53300", "57P01", "57014")) {
            assertThat(store.classify(new SQLException("x", s))).as(s).isEqualTo(ErrorKind.TRANSIENT);
        }
        assertThat(store.classify(new SQLTransientConnectionException("pool timeout"))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(store.classify(new SQLException("x", "42501"))).isEqualTo(ErrorKind.CONFIGURATION);
        // what a target would call bad data or a constraint is the staging store's own problem: retried (503)
        for (String s : List.of("22001", "23505", "XX000", "HY000")) {
            assertThat(store.classify(new SQLException("x", s))).as(s).isNotEqualTo(ErrorKind.BAD_DATA)
                    .matches(ErrorKind::retryable);
        }
        assertThat(store.classify(new SQLException("no state"))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void exceptionsCarryTheirKindAndAnswerIsRetryableFromIt() {
        SQLException cause = new SQLException("x", "22003");
        assertThat(new ApplyException("m", cause, ErrorKind.BAD_DATA).isRetryable()).isFalse();
        assertThat(new ApplyException("m", cause, ErrorKind.CONSTRAINT).isRetryable()).isTrue();
        assertThat(new ApplyException("m", null, ErrorKind.CONFIGURATION).kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(new StagingException("m", cause).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(new StagingException("m", cause).isRetryable()).isTrue();
        assertThat(new StagingException("m", cause, ErrorKind.BAD_DATA).isRetryable()).isFalse();
        assertThatThrownBy(() -> new ApplyException("m", cause, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new StagingException("m", cause, null)).isInstanceOf(NullPointerException.class);
    }

    /** An implementation of an SPI with its default methods only: what an implementor gets without overriding. */
    private static <T> T defaultsOnly(Class<T> spi) {
        return spi.cast(Proxy.newProxyInstance(spi.getClassLoader(), new Class<?>[] {spi}, (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new UnsupportedOperationException(method.getName());
        }));
    }
}
