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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CLI's log as operators see it: {@code start -v} in a child process, a few requests, SIGTERM.
 * Lifecycle lines once each and in order, the progress line, the DEBUG configuration dump, and no
 * password or token anywhere.
 */
class LoggingIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final String PASSWORD = "secretpw";

    @Test
    void lifecycleProgressAndConfigurationWithoutSecrets() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("logs")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String token = "tok-" + UUID.randomUUID();
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            // trust authentication ignores the password; it must not reach the log all the same
            String targetConn = "postgres://postgres:" + PASSWORD + "@127.0.0.1:5432/" + db.database();
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    FailbackCli.class.getName(), "start", "--targetConn", targetConn,
                    "--stagingSchema", db.name() + "_staging", "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port,
                    "--authToken", token, "--progressInterval", "500ms", "--retireOffset", "0", "-v")
                    .redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.of(child);
            try {
                assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();
                HttpClient http = HttpClient.newHttpClient();
                String url = "http://127.0.0.1:" + port + db.path();
                for (String body : List.of(batch(upsert("kv", 1, "a", hlc(T + 1)), upsert("kv", 2, "b", hlc(T + 1))),
                        batch(upsert("kv", 3, "c", hlc(T + 2))), resolved(hlc(T + 2)))) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                assertThat(output.await(line -> line.contains(" - progress: ") && !line.contains(" 0 rows/s"), 30))
                        .as("no progress line:\n" + output).isTrue();
            } finally {
                child.toHandle().destroy(); // SIGTERM, keeping our end of its output open
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.join(10_000);
            }
            String log = output.toString();
            assertThat(log).as("leaks the password").doesNotContain(PASSWORD);
            assertThat(log).as("leaks the token").doesNotContain(token);
            List<String> lifecycle = List.of("failback - starting failback (consistent mode)",
                    "failback - target dialect: ", "failback - staging database name: " + db.name() + "_staging",
                    "failback - listening on http://127.0.0.1:" + port, "failback - started",
                    "waiting for changefeed requests", "received shutdown signal", "failback - stopping",
                    "failback - stopped");
            int at = -1;
            for (String line : lifecycle) {
                int i = log.indexOf(line);
                assertThat(i).as(line + " after the previous lifecycle line in\n" + log).isGreaterThan(at);
                assertThat(log.indexOf(line, i + 1)).as(line + " logged twice").isEqualTo(-1);
                at = i;
            }
            assertThat(count(log, "starting failback")).isEqualTo(1);
            assertThat(log).containsPattern("INFO .*failback - progress: [0-9,]+ rows/s applied, target lag [0-9.]+s,"
                    + " source lag [0-9.]+s, backlog [0-9,]+");
            assertThat(log).containsPattern("DEBUG .*failback - configuration: name=failback, mode=consistent,"
                    + " target=HikariDataSource\\[url=jdbc:postgresql://127.0.0.1:5432/[^ ]*, user=postgres,"
                    + " maxPoolSize=32\\].*flushSize=1000.*retireOffset=PT0S, deadLetter=false, progressInterval=PT0.5S.*"
                    + "authentication=BearerTokenAuthenticator\\[1 token\\]");
            assertThat(count(log, "failback - configuration: ")).isEqualTo(1);
            assertThat(log).contains("DEBUG").contains("failback - staged 2 for ").contains("httpRequest POST " + db.path()
                    + " -> 200");
        }
    }

    @Test
    void moltsFluentFormatWritesOneJsonObjectPerLine() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("jsonlogs")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    FailbackCli.class.getName(), "start", "--targetConn", "postgres://postgres@127.0.0.1:5432/" + db.database(),
                    "--stagingSchema", db.name() + "_staging", "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port,
                    "--authToken", "tok-json", "--logFormat", "fluent")
                    .redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.of(child);
            try {
                assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + db.path())).POST(HttpRequest.BodyPublishers.ofString(
                        resolved(hlc(T)))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(output.await(line -> line.contains("refused POST"), 30)).as(output.toString()).isTrue();
            } finally {
                child.toHandle().destroy();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.join(10_000);
            }
            String log = output.toString();
            com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
            int lines = 0;
            java.util.Set<String> levels = new java.util.HashSet<>();
            java.util.List<String> messages = new java.util.ArrayList<>();
            for (String line : log.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                java.util.Map<String, String> fields = new java.util.HashMap<>();
                try (com.fasterxml.jackson.core.JsonParser p = json.createParser(line)) {
                    assertThat(p.nextToken()).as("not a JSON object: " + line).isEqualTo(com.fasterxml.jackson.core.JsonToken.START_OBJECT);
                    while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        if (p.nextToken().isStructStart()) {
                            p.skipChildren();
                        } else {
                            fields.put(name, p.getValueAsString());
                        }
                    }
                    assertThat(p.currentToken()).as(line).isEqualTo(com.fasterxml.jackson.core.JsonToken.END_OBJECT);
                    assertThat(p.nextToken()).as("one object per line: " + line).isNull();
                }
                assertThat(fields).as(line).containsKeys("timestamp", "level", "threadName", "loggerName", "formattedMessage");
                levels.add(fields.get("level"));
                messages.add(fields.get("formattedMessage"));
            }
            assertThat(lines).isGreaterThan(5);
            assertThat(levels).contains("INFO", "WARN");
            assertThat(messages).anyMatch(m -> m.equals("failback - started (instance " + m.substring(Math.min(m.length(),
                    "failback - started (instance ".length())))).anyMatch(m -> m.contains(ChildOutput.READY))
                    .anyMatch(m -> m.startsWith("failback - refused POST " + db.path() + " -> 401"))
                    .anyMatch(m -> m.equals("failback - stopped"));
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
