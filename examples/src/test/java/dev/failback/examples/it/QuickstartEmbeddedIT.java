package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar failback.jar quickstart} with nothing at the default PostgreSQL (pointed at a closed port
 * through the hidden {@code --defaultConn}): it says so, starts the embedded PostgreSQL that failback.jar carries,
 * runs the quickstart on it, ends with {@code target matches source}, and deletes the server's data directory.
 * Runs the shaded jar the package phase built, so the binaries are checked to be in it.
 */
class QuickstartEmbeddedIT {
    static final Path JAR = Path.of("target", "failback.jar");

    @Test
    void withoutALocalPostgresTheQuickstartRunsOnAnEmbeddedOne() throws Exception {
        assertThat(JAR).as("failsafe runs after the package phase that builds it").exists();
        int closed = ChildCli.freePort();
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
                + "java", "-Xmx256m", "-jar", JAR.toString(), "quickstart",
                "--defaultConn", "postgres://postgres@127.0.0.1:" + closed + "/postgres",
                "--transactions", "300", "--seed", "5").redirectErrorStream(true);
        pb.environment().remove("FAILBACK_QUICKSTART_URL");
        long t0 = System.nanoTime();
        Process child = pb.start();
        ChildOutput output = ChildOutput.of(child);
        try {
            assertThat(child.waitFor(4, TimeUnit.MINUTES)).as("still running:\n" + output).isTrue();
        } finally {
            child.destroyForcibly();
            output.join(10_000);
        }
        String out = output.toString();
        System.out.printf("embedded quickstart: %.1f s%n%s", (System.nanoTime() - t0) / 1e9, out);
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("no PostgreSQL at 127.0.0.1:" + closed + "; starting an embedded PostgreSQL (data in ")
                .containsPattern("quickstart: embedded PostgreSQL \\d+\\.\\d+, database postgres, schema quickstart_")
                .contains("transactions: 300");
        assertThat(out.strip()).endsWith("target matches source");
        Matcher data = Pattern.compile("\\(data in (\\S+)\\)").matcher(out);
        assertThat(data.find()).isTrue();
        Path dataDirectory = Path.of(data.group(1));
        assertThat(out).contains("stopped the embedded PostgreSQL and deleted " + dataDirectory);
        assertThat(Files.exists(dataDirectory)).as("data directory left behind").isFalse();
        assertThat(postmasters(dataDirectory)).as("server still running").isEmpty();
    }

    /** The processes whose command line names the data directory (a postmaster left running). */
    static List<String> postmasters(Path dataDirectory) {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(dataDirectory.toString())).toList();
    }
}
