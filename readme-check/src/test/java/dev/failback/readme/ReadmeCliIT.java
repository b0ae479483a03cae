package dev.failback.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's "CLI in 5 minutes" as a reader would — its shell blocks, in order, with bash, psql and curl,
 * against the packaged {@code failback.jar} — adding only what a reader does by waiting: the build line is left
 * out (the reactor built the jar), and the script waits for the port and for the row before reading it.
 */
class ReadmeCliIT {
    private static final String SECTION = "## The CLI in 5 minutes";

    @Test
    void theCliWalkthroughDoesWhatTheReadmeSays() throws Exception {
        for (String tool : List.of("bash", "psql", "curl")) {
            boolean found = Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/bin", tool));
            if (!found && !TestDatabases.inCi()) {
                Assumptions.abort("SKIPPED (no " + tool + "): the README's CLI walkthrough needs it");
            }
            assertThat(found).as(tool + " is needed for the README's CLI walkthrough").isTrue();
        }
        if (!TestDatabases.postgresUrl().startsWith("jdbc:postgresql://127.0.0.1:5432/postgres")) {
            Assumptions.abort("SKIPPED (tests use " + TestDatabases.postgresUrl() + "): the walkthrough talks to the"
                    + " local PostgreSQL at 127.0.0.1:5432/postgres");
        }
        for (int port : new int[] {30004, 30005}) {
            try (ServerSocket s = new ServerSocket(port)) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            } catch (IOException e) {
                throw new AssertionError("port " + port + " (the README's) is taken: " + e.getMessage(), e);
            }
        }
        Path root = Path.of(System.getProperty("readme.sources"));
        assertThat(root.resolve("examples/target/failback.jar")).exists();
        String readme = Files.readString(Path.of(System.getProperty("readme.file")));
        int at = readme.indexOf(SECTION);
        assertThat(at).as("README has no '" + SECTION + "' section").isNotNegative();
        String section = readme.substring(at, readme.indexOf("\n## ", at + SECTION.length()));
        List<String> blocks = new ArrayList<>();
        for (int i = section.indexOf("```bash\n"); i >= 0; i = section.indexOf("```bash\n", i + 1)) {
            int start = i + "```bash\n".length();
            blocks.add(section.substring(start, section.indexOf("\n```", start) + 1));
        }
        assertThat(blocks).as("the walkthrough's shell blocks").hasSize(3);

        // whatever happens, the background failback goes with the script (ports 30004/30005 are the README's)
        StringBuilder script = new StringBuilder("set -u\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\ncd '" + root + "'\n")
                .append("psql -q -h 127.0.0.1 -U postgres -c 'DROP TABLE IF EXISTS public.greetings'\n");
        for (String line : blocks.get(0).split("\n")) {
            if (!line.startsWith("./mvnw")) {
                script.append(line).append('\n');
            }
        }
        script.append("for i in $(seq 1 240); do curl -sf http://127.0.0.1:30005/_/livez >/dev/null && break; sleep 0.5; done\n");
        for (String line : blocks.get(1).split("\n")) {
            if (line.startsWith("psql")) {
                script.append("for i in $(seq 1 120); do [ \"$(psql -h 127.0.0.1 -U postgres -tAc 'SELECT count(*) FROM public.greetings')\" = 1 ]"
                        + " && break; sleep 0.25; done\n");
            }
            script.append(line).append('\n');
        }
        script.append(blocks.get(2));
        script.append("curl -s http://127.0.0.1:30005/_/varz | grep '^apply_upserts_total'\n");
        script.append("kill %1; wait %1; echo \"failback exited $?\"\n");
        script.append("psql -q -h 127.0.0.1 -U postgres -c 'DROP TABLE public.greetings' -c 'DROP SCHEMA IF EXISTS _failback CASCADE'\n");
        Path file = Path.of("target", "readme-cli.sh").toAbsolutePath();
        Files.writeString(file, script);

        Path out = Path.of("target", "readme-cli.out").toAbsolutePath();
        Path curlrc = Path.of("target", "curl-home").toAbsolutePath();
        Files.createDirectories(curlrc);
        Files.writeString(curlrc.resolve(".curlrc"), "max-time = 30\n"); // no curl waits longer than that
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("CURL_HOME", curlrc.toString());
        Process bash = pb.start();
        boolean ended;
        try {
            ended = bash.waitFor(3, TimeUnit.MINUTES);
        } finally {
            bash.descendants().forEach(ProcessHandle::destroyForcibly);
            bash.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(ended).as("the walkthrough did not end within 3 minutes:\n" + output).isTrue();
        assertThat(output).as(script + "\n----\n" + output)
                .contains("changefeed URL: webhook-https://127.0.0.1:30004/")
                .containsPattern("(?m)^ +1 \\| hello$")
                .contains("has no column \"mesage\"").containsPattern("nothing was staged\\s+400")
                .containsPattern("missing or invalid access token\\s+401")
                .containsPattern("apply_upserts_total\\{schema=\"postgres.public\",table=\"greetings\"} 1.0")
                .contains("failback exited 0");
    }
}
