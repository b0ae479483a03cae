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
