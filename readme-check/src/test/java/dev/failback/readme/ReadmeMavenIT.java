package dev.failback.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the README's Maven block and {@code Main} the way a user would — a project of their own whose only
 * Failback input is the installed artifacts ({@code invoker:install} into {@code target/local-repo}, third-party
 * jars from the build's own local repository) — then runs the {@code Main} against a new PostgreSQL database:
 * a bearer-authenticated changefeed batch lands, an unauthenticated one gets 401, and SIGTERM closes the
 * pipeline through the shutdown hook. The javadoc examples of the entry points compile in the same project, and the
 * two that start a pipeline run against that database (the third needs certificate files: compiled only).
 */
class ReadmeMavenIT {
    private static final Path APP = Path.of("target", "readme-app").toAbsolutePath();
    private static String classpath;

    @BeforeAll
    static void buildTheReadmeProject() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("readme.file")));
        String dependencies = block(readme, "<!-- readme-check:pom", "xml");
        String main = block(readme, "<!-- readme-check:main", "java");
        Files.createDirectories(APP.resolve("src/main/java"));
        Files.writeString(APP.resolve("pom.xml"), pom(dependencies));
        Files.writeString(APP.resolve("src/main/java/Main.java"), main);
        Files.writeString(APP.resolve("src/main/java/JavadocExamples.java"), javadocExamples());
        Files.writeString(APP.resolve("settings.xml"), settings());

        Path cpFile = APP.resolve("target/classpath.txt");
        List<String> command = List.of(System.getProperty("readme.mavenWrapper"), "-B", "-q",
                "-s", APP.resolve("settings.xml").toString(),
                "-Dmaven.repo.local=" + System.getProperty("readme.localRepo"),
                "package", "dependency:build-classpath", "-Dmdep.outputFile=" + cpFile);
        Path mavenLog = APP.resolve("maven.log");
        Process maven = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true)
                .redirectOutput(mavenLog.toFile()).start();
        boolean ended = maven.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
        }
        String output = Files.readString(mavenLog, StandardCharsets.UTF_8);
        assertThat(ended).as("the README's project did not build within 10 minutes:\n" + output).isTrue();
        assertThat(maven.exitValue()).as("the README's project does not build:\n" + output).isZero();
        classpath = APP.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(cpFile).trim();
    }

    @Test
    void theReadmeMainAppliesAnAuthenticatedBatchAndClosesOnSigterm() throws Exception {
        assertThat(classpath).contains("failback-core-" + System.getProperty("readme.version") + ".jar")
                .contains(System.getProperty("readme.localRepo"));
        String database = TestDatabases.uniqueName("readme");
        try (Connection admin = TestDatabases.postgres(); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            try {
                String url = TestDatabases.postgresUrl().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
                try (Connection target = java.sql.DriverManager.getConnection(url); Statement t = target.createStatement()) {
                    t.execute("CREATE TABLE employees (id INT PRIMARY KEY, name TEXT NOT NULL)");
                    runMain(url, target);
                    t.execute("CREATE TABLE orders (id INT PRIMARY KEY)");
                    t.execute("CREATE TABLE payments (id INT PRIMARY KEY)");
                    runJavadocExamples(url);
                }
            } finally {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private static void runMain(String url, Connection target) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = APP.resolve("target/main.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "Main").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TARGET_JDBC_URL", url);
        pb.environment().put("FAILBACK_TOKEN", "readme-s3cret");
        pb.environment().put("FAILBACK_PORT", Integer.toString(port));
        Process main = pb.start();
        try {
            String base = "http://127.0.0.1:" + port + "/" + database(url) + "/public";
            awaitLog(log, main, "started");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String rows = "{\"payload\":[{\"after\":{\"id\":1,\"name\":\"Ada Lovelace\"},\"key\":[1],"
                    + "\"topic\":\"employees\",\"updated\":\"1759246947000000000.0000000000\"}],\"length\":1}";
            assertThat(post(http, base, rows, null).statusCode()).isEqualTo(401);
            HttpResponse<String> r = post(http, base, rows, "Bearer readme-s3cret");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            r = post(http, base, "{\"resolved\":\"1759246948000000000.0000000000\"}", "Bearer readme-s3cret");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String name = null;
            while (name == null && System.nanoTime() < deadline) {
                try (Statement s = target.createStatement();
                     var rs = s.executeQuery("SELECT name FROM employees WHERE id = 1")) {
                    name = rs.next() ? rs.getString(1) : null;
                }
                if (name == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(name).as(Files.readString(log)).isEqualTo("Ada Lovelace");

            main.destroy(); // SIGTERM
            assertThat(main.waitFor(30, TimeUnit.SECONDS)).as("Main ends after SIGTERM").isTrue();
            String output = Files.readString(log);
            assertThat(output).as("the shutdown hook closed the pipeline").contains("failback - stopped");
        } finally {
            main.destroyForcibly();
        }
    }

    /** The javadoc examples of Failback and JettySink that start a pipeline, run: each serves on port 30004. */
    private static void runJavadocExamples(String url) throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(30004)) {
            assertThat(socket.getLocalPort()).as("the javadoc examples' port 30004 is free").isEqualTo(30004);
        }
        Path log = APP.resolve("target/javadoc-examples.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "JavadocExamples").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TARGET_JDBC_URL", url);
        Process examples = pb.start();
        boolean ended;
        try {
            ended = examples.waitFor(3, TimeUnit.MINUTES);
        } finally {
            examples.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(ended).as("the javadoc examples did not end:\n" + output).isTrue();
        assertThat(examples.exitValue()).as(output).isZero();
        assertThat(output).contains("example0 serving", "example0 closed", "example1 serving")
                .contains("failback - stopped");
    }

    private static String database(String url) {
        Matcher m = Pattern.compile("^jdbc:postgresql://[^/]+/([^?]*)").matcher(url);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLog(Path log, Process process, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            if (output.contains(text)) {
                return;
            }
            assertThat(process.isAlive()).as("Main exited early:\n" + output).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' within 60 s:\n" + Files.readString(log));
    }

    /** The fenced block of the given language that follows the marker. */
    static String block(String markdown, String marker, String language) {
        int at = markdown.indexOf(marker);
        assertThat(at).as("README has no " + marker + " marker").isNotNegative();
        int open = markdown.indexOf("```" + language + "\n", at);
        assertThat(open).as("no ```" + language + " block after " + marker).isNotNegative();
        int start = open + 4 + language.length();
        int end = markdown.indexOf("\n```", start);
        return markdown.substring(start, end + 1);
    }

    private static String pom(String dependencies) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>readme-app</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """ + dependencies + """
                  <build>
                    <pluginManagement><plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-clean-plugin</artifactId><version>3.4.0</version></plugin>
                    </plugins></pluginManagement>
                  </build>
                </project>
                """;
    }

    /** Everything else (plugins, third-party jars) from the build's own local repository, as a mirror. */
    private static String settings() {
        String userRepo = Path.of(System.getProperty("readme.userRepo")).toUri().toString();
        return """
                <settings>
                  <mirrors><mirror><id>build-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
                </settings>
                """.formatted(userRepo);
    }

    /** The {@code <pre>{@code …}</pre>} examples of the entry points, each in a method of its own. */
    private static String javadocExamples() throws IOException {
        Path sources = Path.of(System.getProperty("readme.sources"));
        List<String> methods = new ArrayList<>();
        for (String file : List.of("lib-api/src/main/java/dev/failback/Failback.java",
                "lib-jetty-sink/src/main/java/dev/failback/jetty/JettySink.java")) {
            String text = Files.readString(sources.resolve(file));
            Matcher m = Pattern.compile("<pre>\\{@code\\n(.*?)\\n \\* }</pre>", Pattern.DOTALL).matcher(text);
            int n = 0;
            while (m.find()) {
                String body = m.group(1).replaceAll("(?m)^ \\* ?", "");
                methods.add("    static Object example" + methods.size() + "(DataSource targetDataSource, DataSource dataSource,"
                        + " String token) throws Exception {\n" + body + "\n        return null;\n    }\n");
                n++;
            }
            assertThat(n).as(file + " has javadoc examples").isPositive();
        }
        return """
                import dev.failback.*;
                import dev.failback.core.auth.*;
                import dev.failback.jetty.*;
                import java.nio.file.Path;
                import java.time.Duration;
                import javax.sql.DataSource;

                final class JavadocExamples {
                    /** Runs the examples that start a pipeline: Failback's (0) until interrupted, JettySink's first (1). */
                    public static void main(String[] args) throws Exception {
                        com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
                        ds.setJdbcUrl(System.getenv("TARGET_JDBC_URL"));
                        ds.setUsername("postgres");
                        Thread first = new Thread(() -> {
                            try {
                                example0(ds, ds, "javadoc-token");
                            } catch (InterruptedException e) {
                                System.out.println("example0 closed");
                            } catch (Exception e) {
                                e.printStackTrace();
                            }
                        });
                        first.start();
                        awaitServing("example0");
                        first.interrupt();
                        first.join(60_000);
                        example1(ds, ds, "javadoc-token");
                        awaitServing("example1");
                        System.exit(0);
                    }

                    private static void awaitServing(String which) throws Exception {
                        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                        long deadline = System.nanoTime() + 60_000_000_000L;
                        while (System.nanoTime() < deadline) {
                            try {
                                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:30004/_/livez")).build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() == 200) {
                                    System.out.println(which + " serving");
                                    return;
                                }
                            } catch (java.io.IOException e) {
                                // not listening yet
                            }
                            Thread.sleep(100);
                        }
                        throw new AssertionError(which + " never answered on port 30004");
                    }

                """ + String.join("\n", methods) + "}\n";
    }
}
