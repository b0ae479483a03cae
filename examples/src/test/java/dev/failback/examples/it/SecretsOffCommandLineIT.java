package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failback.core.it.Bodies;
import dev.failback.core.it.Http;
import dev.failback.examples.cli.FailbackCli;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code failback start} as a child process with its token and database password given through the
 * environment ({@code FAILBACK_*}), {@code env:}/{@code file:} values and an {@code @FILE} of arguments:
 * neither appears in {@code /proc/<pid>/cmdline}, which every local user can read, while an
 * authenticated request is answered 200 and an unauthenticated one 401.
 */
class SecretsOffCommandLineIT {
    @TempDir
    Path dir;
    private PostgresSchema db;
    private Process child;
    private ChildOutput output;

    @AfterEach
    void stop() throws Exception {
        stopChild();
        if (db != null) {
            db.close();
        }
    }

    @Test
    void environmentDefaultsKeepTokenAndPasswordOutOfTheProcessList() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc on this system");
        db = PostgresSchema.create("secrets", "hr.sql");
        String password = "pw-" + UUID.randomUUID();
        String token = "tok-" + UUID.randomUUID();
        int port = freePort();
        start(Map.of("FAILBACK_TARGET_CONN", withPassword(password), "FAILBACK_AUTH_TOKEN", token),
                "start", "--stagingCreateSchema", "--stagingSchema", db.name() + "_staging", "--bindAddr", "127.0.0.1:" + port);
        checkRunning(port, token, password);
    }

    @Test
    void envFileAndArgumentFileFormsKeepTokenAndPasswordOutOfTheProcessList() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc on this system");
        db = PostgresSchema.create("secrets", "hr.sql");
        String password = "pw-" + UUID.randomUUID();
        String token = "tok-" + UUID.randomUUID();
        int port = freePort();
        Path tokenFile = Files.writeString(dir.resolve("token"), "# the changefeed's token\n" + token + "\n");
        Path args = Files.writeString(dir.resolve("args"), "# staging\n--stagingConn \"" + withPassword(password)
                + "\"\n--stagingSchema " + db.name() + "_staging\n--stagingCreateSchema\n");
        start(Map.of("PG_URL", withPassword(password)), "start", "--targetConn", "env:PG_URL", "@" + args,
                "--authToken", "file:" + tokenFile, "--bindAddr", "127.0.0.1:" + port);
        checkRunning(port, token, password);
    }

    private void checkRunning(int port, String token, String password) throws Exception {
        String cmdline = Files.readString(Path.of("/proc/" + child.pid() + "/cmdline"), StandardCharsets.UTF_8)
                .replace('\0', ' ');
        assertThat(cmdline).contains(" start ").doesNotContain(token).doesNotContain(password);
        Http http = new Http("http://127.0.0.1:" + port);
        String body = Bodies.resolved(Bodies.hlc(System.currentTimeMillis() * 1_000_000L - 1_000_000_000L));
        assertThat(http.post(db.path() + "?access_token=wrong", body).status()).isEqualTo(401);
        assertThat(http.post(db.path() + "?access_token=" + token, body).status()).as(output.toString()).isEqualTo(200);
        assertThat(output.toString()).contains("accepting 1 bearer token").doesNotContain("visible to every local user")
                .doesNotContain(token).doesNotContain(password);
        assertThat(db.one("SELECT count(*) FROM " + db.name() + "_staging.checkpoints")).isEqualTo("1");
        stopChild();
    }

    /** The test database's URL with a password (PostgreSQL's trust authentication ignores it). */
    private static String withPassword(String password) {
        String url = TestDatabases.postgresUrl();
        assumeTrue(!url.contains("password="), "the test database URL has its own password");
        return url + (url.contains("?") ? "&" : "?") + "password=" + password;
    }

    private void start(Map<String, String> env, String... args) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path jar = Path.of("target", "failback.jar");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        if (Files.isRegularFile(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FailbackCli.class.getName()));
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("FAILBACK_"));
        pb.environment().putAll(env);
        child = pb.start();
        output = ChildOutput.of(child);
        assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();
    }

    private void stopChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.toHandle().destroy();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.toHandle().destroyForcibly();
            }
        }
        if (output != null) {
            output.join(10_000);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
