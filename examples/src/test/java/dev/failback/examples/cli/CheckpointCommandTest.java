package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code failback checkpoint}: what it accepts and refuses without a database (CheckpointResetIT has one). */
class CheckpointCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        err.getBuffer().setLength(0);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void toTakesAnHlcWallNanosecondsOrATime() {
        assertThat(CheckpointCommand.parseTarget("1733000000000000000.0000000001")).isEqualTo(new Hlc(1_733_000_000_000_000_000L, 1));
        assertThat(CheckpointCommand.parseTarget("1733000000000000000")).isEqualTo(new Hlc(1_733_000_000_000_000_000L, 0));
        assertThat(CheckpointCommand.parseTarget("2024-11-30T20:53:20Z")).isEqualTo(new Hlc(1_733_000_000_000_000_000L, 0));
        assertThat(CheckpointCommand.parseTarget("2024-11-30T21:53:20.5+01:00"))
                .isEqualTo(new Hlc(1_733_000_000_500_000_000L, 0));
        assertThatThrownBy(() -> CheckpointCommand.parseTarget("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an HLC");
        assertThatThrownBy(() -> CheckpointCommand.parseTarget("1.2")).hasMessageContaining("10 digits");
    }

    @Test
    void usageErrorsNeedNoDatabase() {
        assertThat(run("checkpoint")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command: show or reset");
        assertThat(run("checkpoint", "reset", "--stagingConn", "postgres://u@127.0.0.1:1/db", "--group", "db.public"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--to");
        assertThat(run("checkpoint", "reset", "--stagingConn", "postgres://u@127.0.0.1:1/db", "--group", "db.public",
                "--to", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--to: \"soon\" is not an HLC");
        assertThat(run("checkpoint", "show", "--stagingConn", "redis://h")).isEqualTo(2);
        assertThat(err.toString()).contains("--stagingConn: unsupported connection URL scheme");
        assertThat(run("checkpoint", "show", "--stagingConn", "env:FAILBACK_TEST_UNSET_VARIABLE")).isEqualTo(2);
        assertThat(err.toString()).contains("environment variable FAILBACK_TEST_UNSET_VARIABLE is not set");
    }
}
