package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every MOLT {@code replicator start} flag is accepted, warned about, or refused with a reason; none is unknown. */
class StartDropInFlagsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private static final String[] BASE = {"start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication"};

    private int run(String... extra) {
        String[] args = new String[BASE.length + extra.length];
        System.arraycopy(BASE, 0, args, 0, BASE.length);
        System.arraycopy(extra, 0, args, BASE.length, extra.length);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void everyMoltFailbackFlagParses() {
        StartCommand start = new StartCommand();
        CommandLine cl = new CommandLine(start);
        cl.parseArgs("--targetConn", "postgres://u:p@h/db", "--stagingConn", "postgres://u:p@h/s", "--stagingSchema",
                "_replicator", "--stagingCreateSchema", "--bindAddr", ":30004", "--metricsAddr", ":30005",
                "--tlsSelfSigned", "--immediate", "--flushSize", "10", "--flushPeriod", "2s", "--parallelism", "4",
                "--targetMaxPoolSize", "8", "--stagingMaxPoolSize", "4", "--applyTimeout", "10s", "--schemaRefresh", "5m",
                "--retireOffset", "1h", "--scanSize", "100", "--gracePeriod", "5s", "--logFormat", "text",
                "--logDestination", "/tmp/x.log", "--progressInterval", "1s", "-vv",
                "--targetIdleTime", "2m", "--targetJitterTime", "1s", "--targetMaxLifetime", "1h",
                "--targetStatementCacheSize", "10", "--stagingIdleTime", "2m", "--stagingJitterTime", "1s",
                "--stagingMaxLifetime", "1h", "--quiescentPeriod", "1s", "--taskGracePeriod", "1s",
                "--timestampLimit", "5", "--bestEffortWindow", "0", "--limitLookahead", "3",
                "--disableCheckpointStream", "--assumeIdempotent", "--ndjsonBufferSize", "100",
                "--httpResponseTimeout", "1m");
        assertThat(start.parallelism).isEqualTo(4);
        assertThat(start.retireOffset).isEqualTo(Duration.ofHours(1));
        assertThat(start.progressInterval).isEqualTo(Duration.ofSeconds(1));
        assertThat(start.logDestination).isEqualTo("/tmp/x.log");
        assertThat(start.verbose).hasSize(2);
        List<String> warnings = MoltFlags.check(cl);
        assertThat(warnings).hasSize(MoltFlags.IGNORED.size());
        assertThat(warnings.get(0)).startsWith("--targetIdleTime is accepted for MOLT compatibility and ignored: ");
    }

    @Test
    void defaultsFollowMolt() {
        StartCommand start = new StartCommand();
        CommandLine cl = new CommandLine(start);
        cl.parseArgs("--targetConn", "postgres://u@h/db");
        assertThat(start.parallelism).isEqualTo(16);
        assertThat(start.retireOffset).isEqualTo(Duration.ofHours(24));
        assertThat(start.progressInterval).isEqualTo(Duration.ofSeconds(30));
        assertThat(start.logFormat).isEqualTo("text");
        assertThat(start.ignoreUnknownColumns).isFalse();
        assertThat(MoltFlags.check(cl)).isEmpty();
    }

    @Test
    void unsupportedMoltFlagsAreRefusedWithTheReason() {
        for (String[] flag : List.of(new String[] {"--bestEffortOnly"},
                new String[] {"--dlqTableName", "dlq"}, new String[] {"--discard"}, new String[] {"--discardDelay", "1s"})) {
            err.getBuffer().setLength(0);
            assertThat(run(flag)).as(flag[0]).isEqualTo(2);
            assertThat(err.toString()).contains(flag[0] + " is not supported: " + MoltFlags.REFUSED.get(flag[0]))
                    .contains("Try 'failback start --help' for more information.").doesNotContain("Usage:");
        }
    }

    @Test
    void anUnloadableUserscriptIsAUsageErrorNamingFileAndLine() throws Exception {
        assertThat(run("--userscript", "/nonexistent/script.ts")).isEqualTo(2);
        assertThat(err.toString()).contains("--userscript /nonexistent/script.ts").contains("no such userscript file")
                .contains("Try 'failback start --help' for more information.").doesNotContain("Usage:");
        err.getBuffer().setLength(0);
        java.nio.file.Path bad = java.nio.file.Files.createTempDirectory("us").resolve("bad.ts");
        java.nio.file.Files.writeString(bad, "import * as api from \"replicator@v2\";\n\nconst x: number = ;\n");
        assertThat(run("--userscript", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.ts:3").contains("syntax error");
    }

    @Test
    void badValuesAndConflictsAreErrorsWithUsage() {
        assertThat(run("--logFormat", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("--logFormat must be text, json or fluent (MOLT's name for json), but was xml").contains("Try 'failback start --help' for more information.").doesNotContain("Usage:");
        err.getBuffer().setLength(0);
        assertThat(run("--logDestination", "/dev/null/failback.log")).isEqualTo(2);
        assertThat(err.toString()).contains("--logDestination /dev/null/failback.log cannot be opened for appending: /dev/null is not a directory");
        err.getBuffer().setLength(0);
        assertThat(run("--parallelism", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--parallelism").contains("must be positive");
        err.getBuffer().setLength(0);
        assertThat(run("--retireOffset", "-1s")).isEqualTo(2);
        assertThat(err.toString()).contains("--retireOffset must not be negative");
        err.getBuffer().setLength(0);
        assertThat(run("--progressInterval", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("durations must be positive");
        err.getBuffer().setLength(0);
        assertThat(run("--authToken", "t")).isEqualTo(2);
        assertThat(err.toString()).contains("--disableAuthentication contradicts");
        err.getBuffer().setLength(0);
        assertThat(run("--bestEffortOnlyy")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bestEffortOnlyy'").contains("Possible solutions: ");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertThat(FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "start", "--help")).isZero();
        String help = out.toString();
        for (String flag : List.of("--targetConn", "--stagingConn", "--stagingSchema", "--stagingCreateSchema",
                "--bindAddr", "--metricsAddr", "--tlsCertificate", "--tlsPrivateKey", "--tlsSelfSigned",
                "--disableAuthentication", "--immediate", "--flushSize", "--flushPeriod", "--parallelism",
                "--targetMaxPoolSize", "--stagingMaxPoolSize", "--applyTimeout", "--schemaRefresh", "--retireOffset",
                "--scanSize", "--gracePeriod", "--logFormat", "--logDestination", "--progressInterval", "--verbose",
                "--ignoreUnknownColumns")) {
            assertThat(help).as(flag).contains(flag);
        }
        for (String flag : MoltFlags.IGNORED.keySet()) {
            assertThat(help).contains(flag);
        }
        for (String flag : MoltFlags.REFUSED.keySet()) {
            assertThat(help).contains(flag);
        }
        assertThat(help).contains("Default: 24h").contains("Default: 16").contains("Default: :26258")
                .contains("Default: 30s").contains("Default: text");
    }
}
