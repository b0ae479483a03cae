package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while {@code start} is still starting (its target does not answer yet): the process stops in
 * order and exits 0 within seconds, instead of losing the signal and running on.
 */
class StartupSignalIT {
    @Test
    void aSignalWhileStartingStopsTheProcess() throws Exception {
        Process child = ChildCli.command(List.of("start", "--targetConn", "postgres://postgres@127.0.0.1:1/nowhere",
                "--authToken", "t0ken-startup", "--bindAddr", "127.0.0.1:" + ChildCli.freePort())).start();
        ChildOutput output = ChildOutput.of(child);
        try {
            assertThat(output.await(line -> line.contains("cannot connect to the target database"), 60))
                    .as("no warning about the target:\n" + output).isTrue();
            child.toHandle().destroy(); // SIGTERM, still starting: the target keeps it busy for seconds
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the signal was lost:\n" + output).isTrue();
        } finally {
            child.destroyForcibly();
            output.join(10_000);
        }
        assertThat(child.exitValue()).as(output.toString()).isZero();
        assertThat(output.toString()).contains("received shutdown signal");
    }
}
