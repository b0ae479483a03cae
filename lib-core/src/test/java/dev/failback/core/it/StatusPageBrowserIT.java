package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettyAdminServer;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * {@code /_/status} as a browser sees it: a pipeline on the local PostgreSQL behind a {@link JettySink},
 * with the page on a {@link JettyAdminServer} (the metrics address), gets batches and resolved
 * timestamps for 20 s or so (so that the chart has points) and one refused request whose path holds
 * {@code <script>}; then Debian's Chromium, headless, dumps the DOM it built and takes a screenshot
 * ({@code target/status-page.png}, its path printed). Without {@code /usr/bin/chromium} (or the binary
 * {@code -Dfailback.chromium} names) this is a named skip (a failure in CI, which installs it).
 */
class StatusPageBrowserIT {
    /** Debian's Chromium; {@code -Dfailback.chromium=<path>} names another binary. */
    private static final Path CHROMIUM = Paths.get(System.getProperty("failback.chromium", "/usr/bin/chromium"));
    private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(90);
    private static final String MARKUP_PATH = "/%3Cscript%3Ealert(1)%3C/script%3E/public";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Path> temporary = new ArrayList<>();
    private PostgresSchema db;
    private HikariDataSource staging;
    private Failback failback;
    private JettyAdminServer admin;

    @AfterEach
    void stop() throws IOException {
        if (admin != null) {
            admin.close();
        }
        if (failback != null) {
            failback.close();
        }
        if (staging != null) {
            staging.close();
        }
        if (db != null) {
            try {
                db.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        for (Path dir : temporary) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void chromiumRendersTheGroupTheLagChartAndAnEscapedRefusal(TestReporter reporter) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = "chromium is not installed (" + CHROMIUM + "; apt-get install -y chromium): the status page's"
                    + " browser test cannot run";
            if (TestDatabases.inCi()) {
                Assertions.fail(why);
            }
            Assumptions.abort("SKIPPED: " + why);
        }
        db = PostgresSchema.create("statuspage");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("statuspage-it-staging");
        staging = new HikariDataSource(cfg);
        JettySink sink = JettySink.builder().host("127.0.0.1").port(0).varz(false).build();
        failback = Failback.builder().name("status-page-it").disableAuthentication().target(db.dataSource())
                .staging(staging).stagingSchema(db.name() + "_staging").createStagingSchema(true).sink(sink).start();
        admin = JettyAdminServer.bind("127.0.0.1", 0);
        admin.start(failback.name(), failback.adminHandler());
        Http http = new Http(sink.uri().toString());

        // the refused request: its path holds markup, which the page must show as text
        assertThat(http.post(MARKUP_PATH, batch(upsert("kv", 1, "a", hlc(now())))).status()).isEqualTo(404);

        // ~20 s of changes: 50 rows every 2 s, each followed by a resolved timestamp that lags less and less
        String group = db.path().substring(1).replace('/', '.');
        URI page = URI.create(admin.uri() + "/_/status");
        long id = 0;
        Hlc last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; ; i++) {
            long resolvedWall = now() - TimeUnit.SECONDS.toNanos(Math.max(1, 12 - i)); // rises by 2 s or more
            List<String> rows = new ArrayList<>();
            for (int k = 0; k < 50; k++) {
                rows.add(upsert("kv", ++id, "v" + id, hlc(resolvedWall - TimeUnit.MILLISECONDS.toNanos(500))));
            }
            Http.Answer staged = http.post(db.path(), batch(rows));
            assertThat(staged.status()).as(staged.body()).isEqualTo(200);
            last = Hlc.parse(hlc(resolvedWall));
            Http.Answer r = http.post(db.path(), resolved(last.toString()));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            if (i >= 10 && longestLine(get(page)) >= 4) {
                break;
            }
            assertThat(System.nanoTime()).as("four samples within 60 s").isLessThan(deadline);
            Thread.sleep(2000);
        }
        assertThat(failback.awaitApplied(last, Duration.ofSeconds(30))).isTrue();
        assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo(Long.toString(id));

        // the DOM Chromium built
        String dom = chromium("--dump-dom", page.toString()).stdout;
        assertThat(dom).contains("<tr class=\"group\"><td><code>" + group + "</code></td>")
                .contains("<svg class=\"chart\"")
                .contains("<code>/&lt;script&gt;alert(1)&lt;/script&gt;/public</code>")
                .contains(">target lag (s)</text>").contains(">now</text>")
                .doesNotContain("<script").doesNotContain("alert(1)</script>");
        assertThat(longestLine(dom)).as("the lag line has points").isGreaterThanOrEqualTo(4);
        assertThat(dom).contains(last.toString()); // the applied resolved timestamp
        assertThat(dom).doesNotContain("no resolved timestamp yet");

        // the picture
        Path png = Paths.get("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Run shot = chromium("--screenshot=" + png, page.toString());
        assertThat(png).as(shot.stderr).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).as("PNG magic").startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colours.size()).as("not blank: distinct colours").isGreaterThan(50);
        System.out.println("status page screenshot: " + png);
        reporter.publishEntry("screenshot", png.toString());
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private String get(URI uri) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The most points of any polyline of the page. */
    private static int longestLine(String html) {
        Matcher m = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        int most = 0;
        while (m.find()) {
            most = Math.max(most, m.group(1).trim().split("\\s+").length);
        }
        return most;
    }

    private record Run(String stdout, String stderr) {
    }

    /** Runs headless Chromium on a fresh profile with one action, bounded by {@link #CHROMIUM_TIMEOUT}. */
    private Run chromium(String action, String url) throws Exception {
        Path profile = Files.createTempDirectory("failback-chromium-");
        temporary.add(profile);
        Path out = profile.resolve("stdout.txt");
        Path err = profile.resolve("stderr.txt");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.resolve("profile"), "--window-size=1200,1600", action, url);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(CHROMIUM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Assertions.fail("chromium did not finish within " + CHROMIUM_TIMEOUT + ": " + Files.readString(err));
        }
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as("chromium " + action + ": " + stderr).isZero();
        return new Run(Files.readString(out), stderr);
    }
}
