package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.jetty.JettySink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The request-limit and metrics flags of {@code failback start}. */
class StartLimitFlagsTest {

    @Test
    void defaultsAreTheLibraryDefaults() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        assertThat(start.metricsAddr).isNull();
        assertThat(start.maxBodyBytes).isEqualTo(Failback.Builder.DEFAULT_MAX_BODY_BYTES).isEqualTo(128L << 20);
        assertThat(start.maxNestingDepth).isEqualTo(Failback.Builder.DEFAULT_MAX_NESTING_DEPTH);
        assertThat(start.maxInFlight).isEqualTo(Failback.Builder.DEFAULT_MAX_IN_FLIGHT);
        assertThat(start.maxRequestHeaderBytes).isEqualTo(JettySink.DEFAULT_REQUEST_HEADER_SIZE);
        assertThat(start.httpIdleTimeout).isEqualTo(JettySink.DEFAULT_IDLE_TIMEOUT);
    }

    @Test
    void everyLimitIsSettable() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication",
                "--metricsAddr", "127.0.0.1:30005", "--maxBodyBytes", "1048576", "--maxNestingDepth", "32",
                "--maxInFlight", "8", "--maxRequestHeaderBytes", "32768", "--httpIdleTimeout", "90s");
        assertThat(start.metricsAddr).isEqualTo(new BindAddress("127.0.0.1", 30005));
        assertThat(start.maxBodyBytes).isEqualTo(1_048_576);
        assertThat(start.maxNestingDepth).isEqualTo(32);
        assertThat(start.maxInFlight).isEqualTo(8);
        assertThat(start.maxRequestHeaderBytes).isEqualTo(32_768);
        assertThat(start.httpIdleTimeout).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void securityLimitsDefaultToTheLibraryAndAreSettable() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        assertThat(start.maxGroups).isEqualTo(Failback.Builder.DEFAULT_MAX_SCHEMAS);
        assertThat(start.maxClockSkew).isEqualTo(Failback.Builder.DEFAULT_MAX_CLOCK_SKEW);
        assertThat(start.maxBytesInFlight).as("the library's heap-based default").isNull();
        assertThat(start.schemas).isEmpty();

        StartCommand set = new StartCommand();
        new CommandLine(set).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication",
                "--schemas", "db.public,db.sales", "--schemas", "other", "--maxClockSkew", "1m30s", "--maxGroups", "4",
                "--maxBytesInFlight", "67108864");
        assertThat(set.schemas).containsExactly("db.public", "db.sales", "other");
        assertThat(set.maxClockSkew).isEqualTo(Duration.ofSeconds(90));
        assertThat(set.maxGroups).isEqualTo(4);
        assertThat(set.maxBytesInFlight).isEqualTo(64L << 20);
    }

    @Test
    void badSecurityLimitsAreUsageErrors() {
        for (String[] bad : new String[][] {{"--maxGroups", "0"}, {"--maxClockSkew", "0"}, {"--maxBytesInFlight", "-1"},
            {"--schemas", " "}}) {
            StringWriter err = new StringWriter();
            String[] args = {"start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication", bad[0], bad[1]};
            assertThat(FailbackCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args))
                    .as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString()).contains(bad[0]);
        }
        StringWriter out = new StringWriter();
        FailbackCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "start", "--help");
        assertThat(out.toString()).contains("--schemas=SCHEMA", "--maxClockSkew=DURATION", "--maxGroups=N",
                "--maxBytesInFlight=BYTES", "Default: 5m", "Default: " + Failback.Builder.DEFAULT_MAX_SCHEMAS);
    }

    @Test
    void versionGuardMemoryKeysDefaultsToTheLibraryAndTakesZeroButNotANegativeCount() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        assertThat(start.versionGuardMemoryKeys).isEqualTo(Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS);
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication",
                "--versionGuardMemoryKeys", "0");
        assertThat(start.versionGuardMemoryKeys).isZero();

        StringWriter err = new StringWriter();
        int code = FailbackCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "start",
                "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication", "--versionGuardMemoryKeys", "-1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--versionGuardMemoryKeys must not be negative, but was -1");
    }

    @Test
    void badLimitsAreUsageErrors() {
        StringWriter err = new StringWriter();
        int code = FailbackCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "start",
                "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication", "--maxBodyBytes", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--maxBodyBytes");
        err.getBuffer().setLength(0);
        code = FailbackCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "start",
                "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication", "--bindAddr", ":30004",
                "--metricsAddr", ":30004");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--metricsAddr must differ from --bindAddr");
    }
}
