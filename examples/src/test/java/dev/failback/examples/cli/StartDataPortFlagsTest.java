package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.jetty.JettySink;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The data-port deadline and connection-cap flags of {@code failback start}. */
class StartDataPortFlagsTest {

    @Test
    void defaultsAreTheSinkDefaults() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        assertThat(start.httpHeaderTimeout).isEqualTo(JettySink.DEFAULT_HEADER_TIMEOUT);
        assertThat(start.httpBodyTimeout).isEqualTo(JettySink.DEFAULT_BODY_TIMEOUT);
        assertThat(start.httpMinRequestDataRate).isEqualTo(JettySink.DEFAULT_MIN_REQUEST_DATA_RATE);
        assertThat(start.maxConnections).isEqualTo(JettySink.DEFAULT_MAX_CONNECTIONS);
        assertThat(start.maxConnectionsPerAddress).isEqualTo(JettySink.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    @Test
    void everyDataPortLimitIsSettable() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication",
                "--httpHeaderTimeout", "5s", "--httpBodyTimeout", "2m", "--httpMinRequestDataRate", "0",
                "--maxConnections", "4096", "--maxConnectionsPerAddress", "2048");
        assertThat(start.httpHeaderTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(start.httpBodyTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(start.httpMinRequestDataRate).isZero();
        assertThat(start.maxConnections).isEqualTo(4096);
        assertThat(start.maxConnectionsPerAddress).isEqualTo(2048);
    }
}
