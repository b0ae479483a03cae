package dev.failback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderTest {

    @Test
    void nullsAndBadValuesAreRejectedAtOnce() {
        Failback.Builder b = Failback.builder();
        assertThatThrownBy(() -> b.target(null)).isInstanceOf(NullPointerException.class).hasMessage("target");
        assertThatThrownBy(() -> b.tables((String) null)).isInstanceOf(NullPointerException.class).hasMessage("tables");
        assertThatThrownBy(() -> b.tables(" ")).hasMessage("tables must not name a blank table");
        assertThatThrownBy(() -> b.schemas((String[]) null)).hasMessage("schemas");
        assertThatThrownBy(() -> b.stagingSchema(null)).hasMessage("stagingSchema");
        assertThatThrownBy(() -> b.stagingStore(null)).hasMessage("stagingStore");
        assertThatThrownBy(() -> b.threadFactory(null)).hasMessage("threadFactory");
        assertThatThrownBy(() -> b.meterRegistry(null)).hasMessage("meterRegistry");
        assertThatThrownBy(() -> b.flushSize(0)).hasMessage("flushSize must be > 0, but was 0");
        assertThatThrownBy(() -> b.flushPeriod(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.progressInterval(Duration.ZERO))
                .hasMessage("progressInterval must be positive, but was PT0S");
        assertThatThrownBy(() -> b.progressInterval(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.retireOffset(Duration.ofSeconds(-1)))
                .hasMessage("retireOffset must not be negative, but was PT-1S");
        b.retireOffset(Duration.ZERO).progressInterval(Duration.ofMillis(1));
        assertThatThrownBy(() -> b.stagingSchema("x; drop table y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.versionGuardMemoryKeys(-1))
                .hasMessage("versionGuardMemoryKeys must be >= 0, but was -1");
        assertThat(b.versionGuardMemoryKeys(0).disableAuthentication().target(new NoDataSource()).build()
                .versionGuardMemoryKeys()).isZero();
        assertThat(Failback.builder().disableAuthentication().target(new NoDataSource()).build().versionGuardMemoryKeys())
                .isEqualTo(Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS);
    }

    @Test
    void buildReportsEveryProblem() {
        assertThatThrownBy(() -> Failback.builder().build())
                .isInstanceOf(FailbackConfigurationException.class)
                .hasMessageContaining("target(DataSource) is required");
    }

    @Test
    void startWithoutAnEngineSaysWhatToAdd() {
        // failback-api alone has no engine on its test class path.
        assertThatThrownBy(() -> Failback.builder().disableAuthentication().target(new NoDataSource()).start())
                .isInstanceOf(FailbackConfigurationException.class)
                .hasMessageContaining("add dev.failback:failback-core");
    }

    @Test
    void buildLeavesTheBuilderUnchanged() {
        Failback.Builder b = Failback.builder().disableAuthentication().target(new NoDataSource()).tables("a");
        FailbackConfig first = b.build();
        b.tables("b");
        assertThat(first.tables()).containsExactly("a");
        assertThat(b.build().tables()).containsExactly("a", "b");
        assertThat(first.stagingSchema()).isEqualTo(Failback.Builder.DEFAULT_STAGING_SCHEMA);
        assertThat(first.mode()).isEqualTo(Mode.CONSISTENT);
    }

    @Test
    void aSingleValuedSettingKeepsTheLastCallAndACollectionValuedOneAddsEveryCall() {
        NoDataSource first = new NoDataSource();
        NoDataSource last = new NoDataSource();
        FailbackConfig config = Failback.builder().disableAuthentication()
                .target(first).target(last)
                .staging(first).staging(new NoDataSource())
                .flushSize(5).flushSize(7)
                .mode(Mode.IMMEDIATE).mode(Mode.CONSISTENT)
                .tables("a").tables("b", "c")
                .schemas("db.s1").schemas("db.s2")
                .build();
        assertThat(config.target()).isSameAs(last);
        assertThat(config.staging()).get().isNotSameAs(first);
        assertThat(config.flushSize()).isEqualTo(7);
        assertThat(config.mode()).isEqualTo(Mode.CONSISTENT);
        assertThat(config.tables()).containsExactly("a", "b", "c");
        assertThat(config.schemas()).containsExactly("db.s1", "db.s2");
    }

    @Test
    void settingTheAuthenticatorAgainKeepsTheLastOne() {
        dev.failback.spi.Authenticator a = (request, path) -> dev.failback.spi.Authenticator.Decision.allow();
        dev.failback.spi.Authenticator b = (request, path) -> dev.failback.spi.Authenticator.Decision.deny("b");
        FailbackConfig config = Failback.builder().target(new NoDataSource()).authenticator(a).authenticator(b).build();
        assertThat(config.authenticator()).containsSame(b);
    }

    /** A DataSource that is never connected to. */
    private static final class NoDataSource implements javax.sql.DataSource {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            throw new java.sql.SQLException("not connected in this test");
        }

        @Override
        public java.sql.Connection getConnection(String u, String p) throws java.sql.SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
            throw new java.sql.SQLException("no");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
