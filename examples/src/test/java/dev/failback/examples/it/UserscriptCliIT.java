package dev.failback.examples.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.examples.cli.FailbackCli;
import dev.failback.testing.PostgresSchema;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code failback start --userscript main.ts} as the runbook runs it, in a child process: a TypeScript
 * userscript that skips a table the target does not have and renames another is applied to what the
 * changefeed posts; a handler that throws makes the POST a 400 naming the script's file and line.
 */
class UserscriptCliIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @Test
    void theCliRunsAMoltUserscriptOnWhatTheChangefeedPosts() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("cli_script")) {
            db.execute("CREATE TABLE $S.people (id bigint PRIMARY KEY, v text NOT NULL)");
            Path dir = Files.createTempDirectory("userscript");
            Path script = dir.resolve("main.ts");
            Files.writeString(script, String.join("\n",
                    "import * as api from \"replicator@v2\";",
                    "const SKIP: string[] = [\"audit_log\"];",
                    "function route(row: any, meta: any): any {",
                    "  if (SKIP.includes(meta.table)) { return null; }",
                    "  if (meta.table === \"boom\") { throw new Error(\"cannot route boom\"); }",
                    "  return meta.table === \"users\" ? { people: [row] } : row;",
                    "}",
                    "api.configureTargetSchema(\"" + db.path().substring(1).replace('/', '.') + "\", {",
                    "  onRowUpsert: route,",
                    "  onRowDelete: route,",
                    "});", ""));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    FailbackCli.class.getName(), "start", "--targetConn",
                    "postgres://postgres@127.0.0.1:5432/" + db.database(), "--stagingSchema", db.name() + "_staging",
                    "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port, "--disableAuthentication",
                    "--userscript", script.toString()).redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.of(child);
            try {
                assertThat(output.awaitReady(90)).as("the CLI did not start:\n" + output).isTrue();
                HttpClient http = HttpClient.newHttpClient();
                String url = "http://127.0.0.1:" + port + db.path();
                assertThat(post(http, url, batch(upsert("users", 1, "ada", hlc(T + 1)),
                        upsert("audit_log", 9, "login", hlc(T + 1)))).statusCode()).isEqualTo(200);
                assertThat(post(http, url, resolved(hlc(T + 1))).statusCode()).isEqualTo(200);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!"ada".equals(db.one("SELECT v FROM $S.people WHERE id = 1")) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(db.one("SELECT v FROM $S.people WHERE id = 1")).isEqualTo("ada");

                HttpResponse<String> refused = post(http, url, batch(upsert("boom", 2, "x", hlc(T + 2))));
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.body()).contains("table boom", "key [2]", "main.ts:5", "cannot route boom");
            } finally {
                child.toHandle().destroy();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.join(10_000);
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
