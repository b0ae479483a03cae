package dev.failback.examples.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.PostgresSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A changefeed every POST of which is refused, as an operator sees it at the default log level
 * ({@code start} without {@code -v}, in a child process): the first refusal at WARN with its path,
 * status and reason, the rest of the burst counted rather than logged, and the progress line saying how
 * many were refused and that no resolved timestamp has arrived yet (not a lag measured from nothing).
 */
class RefusedStreamLogIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final int REFUSED = 60;

    @Test
    void aRefusedStreamIsLoggedOnceAtWarnAndCountedInTheProgressLine() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("refusedlog")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String token = "tok-" + UUID.randomUUID();
            int port = ChildCli.freePort();
            Process child = ChildCli.command(java.util.List.of("start", "--targetConn",
                    "postgres://postgres@127.0.0.1:5432/" + db.database(), "--stagingSchema", db.name() + "_staging",
                    "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port, "--authToken", token,
                    "--progressInterval", "1s")).start();
            ChildOutput output = ChildOutput.of(child);
            String log;
            double burstSeconds;
            try {
                assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();
                HttpClient http = HttpClient.newHttpClient();
                String url = "http://127.0.0.1:" + port + db.path();
                // one accepted batch (a group exists, nothing resolved), then a burst the target cannot take
                String good = batch(upsert("kv", 1, "a", hlc(T + 1)));
                assertThat(post(http, url, token, good).statusCode()).isEqualTo(200);
                String bad = batch(upsert("kv", 2, "x", hlc(T + 2))).replace("\"after\":", "\"after\"");
                long burstStart = System.nanoTime();
                for (int i = 0; i < REFUSED; i++) {
                    HttpResponse<String> r = post(http, url, token, bad);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                }
                burstSeconds = (System.nanoTime() - burstStart) / 1e9;
                assertThat(output.await(line -> line.contains(" requests refused (last: ") && refusedSoFar(output) == REFUSED,
                        30)).as("no progress lines counting the " + REFUSED + " refusals:\n" + output).isTrue();
            } finally {
                child.toHandle().destroy(); // SIGTERM
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.join(10_000);
                log = output.toString();
            }
            assertThat(child.exitValue()).as("a clean stop on SIGTERM exits 0:\n" + log).isZero();
            assertThat(log).contains("received shutdown signal").contains("failback - stopped");
            String[] warns = Arrays.stream(log.split("\\R")).filter(l -> l.contains("WARN") && l.contains(" - refused "))
                    .toArray(String[]::new);
            // the first at once, then at most one every 10 s (the burst takes about a second here)
            assertThat(warns).as(log).hasSizeBetween(1, 1 + (int) (burstSeconds / 10) + 1);
            assertThat(warns[0]).contains("refused POST " + db.path() + " -> 400 ").contains("body is not valid JSON");
            assertThat(log).containsPattern("INFO .*failback - progress: 0 rows/s applied, no resolved timestamp yet,"
                    + " backlog 1, [0-9,]+ requests refused \\(last: POST " + db.path().replace(".", "\\.")
                    + " -> 400 body is not valid JSON.*\\); instance ");
            assertThat(log).as("no lag measured before the first resolved timestamp").doesNotContain("target lag");
            assertThat(log).as("one start-up summary").contains("ready in consistent mode; target postgres://postgres@127.0.0.1:5432/"
                    + db.database() + "; staging in the target database, schema " + db.name() + "_staging; target schemas:"
                    + " any the changefeed's paths name; accepting ")
                    .contains("changefeed URL: webhook-https://127.0.0.1:" + port + "/" + db.database() + "/public (this sink"
                            + " speaks plain HTTP");
            assertThat(log).doesNotContain(token).doesNotContain("DEBUG");
        }
    }

    /** The refusals the progress lines have counted so far (each counts those since the previous line). */
    private static int refusedSoFar(ChildOutput output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" ([0-9,]+) requests refused \\(last: ")
                .matcher(output.toString());
        int n = 0;
        while (m.find()) {
            n += Integer.parseInt(m.group(1).replace(",", ""));
        }
        return n;
    }

    private static HttpResponse<String> post(HttpClient http, String url, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
