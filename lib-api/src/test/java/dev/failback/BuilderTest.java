package dev.failback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.StagingStore;
import dev.failback.spi.VersionStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
    void immediateModeWithAStagingStoreThatKeepsNoVersionsNeedsAVersionStore() {
        Failback.Builder b = Failback.builder().disableAuthentication().target(new NoDataSource())
                .stagingStore(new StagingOnly()).mode(Mode.IMMEDIATE);
        assertThatThrownBy(b::build)
                .isInstanceOf(FailbackConfigurationException.class)
                .hasMessageContaining("immediate mode needs a VersionStore: stagingStore(staging only) does not"
                        + " implement it; give versionStore(...)");
        VersionStore versions = new Versions();
        assertThat(b.versionStore(versions).build().versionStore()).containsSame(versions);
        assertThat(Failback.builder().disableAuthentication().target(new NoDataSource()).stagingStore(new StagingOnly())
                .build().versionStore()).as("consistent mode keeps no versions").isEmpty();
        assertThat(Failback.builder().disableAuthentication().target(new NoDataSource()).mode(Mode.IMMEDIATE)
                .build().versionStore()).as("the built-in staging store keeps them").isEmpty();
    }

    @Test
    void deadLetterWithAStagingStoreThatKeepsNoDeadLettersNeedsADeadLetterStore() {
        Failback.Builder b = Failback.builder().disableAuthentication().target(new NoDataSource())
                .stagingStore(new StagingOnly()).deadLetter(true);
        assertThatThrownBy(b::build)
                .isInstanceOf(FailbackConfigurationException.class)
                .hasMessageContaining("deadLetter(true) needs a DeadLetterStore: stagingStore(staging only) does not"
                        + " implement it; give deadLetterStore(...)");
        DeadLetterStore letters = new DeadLetterStore() {
            @Override
            public void init() {
            }

            @Override
            public void deadLetter(String schema, Mutation mutation, String reason) {
            }
        };
        assertThat(b.deadLetterStore(letters).build().deadLetterStore()).containsSame(letters);
        assertThat(Failback.builder().disableAuthentication().target(new NoDataSource()).deadLetter(true)
                .build().deadLetterStore()).as("the built-in staging store keeps them").isEmpty();
    }

    @Test
    void aStagingStoreThatKeepsVersionsAndDeadLettersNeedsNoOtherStore() {
        FailbackConfig config = Failback.builder().disableAuthentication().target(new NoDataSource())
                .stagingStore(new AllThree()).mode(Mode.IMMEDIATE).deadLetter(true).build();
        assertThat(config.versionStore()).isEmpty();
        assertThat(config.deadLetterStore()).isEmpty();
        assertThatThrownBy(() -> Failback.builder().versionStore(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Failback.builder().deadLetterStore(null)).isInstanceOf(NullPointerException.class);
    }

    /** A staging store that keeps neither key versions nor dead letters. */
    private static class StagingOnly implements StagingStore {
        @Override
        public void init() {
        }

        @Override
        public int stage(String schema, List<Mutation> mutations) {
            return 0;
        }

        @Override
        public List<Mutation> read(String schema, Hlc from, Hlc to, Mutation after, int limit) {
            return List.of();
        }

        @Override
        public long retire(String schema, Hlc upTo) {
            return 0;
        }

        @Override
        public long count(String schema) {
            return 0;
        }

        @Override
        public String toString() {
            return "staging only";
        }
    }

    /** A version store that remembers nothing. */
    private static class Versions implements VersionStore {
        @Override
        public void init() {
        }

        @Override
        public Map<RowKey, Hlc> appliedVersions(String schema, Collection<RowKey> keys) {
            return Map.of();
        }

        @Override
        public void recordVersions(String schema, Map<RowKey, Hlc> versions) {
        }

        @Override
        public void retireVersions(String schema, Hlc upTo) {
        }
    }

    /** One object for the three jobs, as the built-in stores are: one lifecycle ({@link dev.failback.spi.Store}). */
    private static final class AllThree extends StagingOnly implements VersionStore, DeadLetterStore {
        @Override
        public Map<RowKey, Hlc> appliedVersions(String schema, Collection<RowKey> keys) {
            return Map.of();
        }

        @Override
        public void recordVersions(String schema, Map<RowKey, Hlc> versions) {
        }

        @Override
        public void retireVersions(String schema, Hlc upTo) {
        }

        @Override
        public void deadLetter(String schema, Mutation mutation, String reason) {
        }
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
