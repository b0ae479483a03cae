package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FailbackCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void startParsesMoltFlagsWithDefaults() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        assertThat(start.bindAddr).isEqualTo(new BindAddress("", 26258));
        assertThat(start.flushSize).isEqualTo(1000);
        assertThat(start.scanSize).isEqualTo(10_000);
        assertThat(start.flushPeriod).isEqualTo(Duration.ofSeconds(1));
        assertThat(start.stagingSchema).isEqualTo("_failback");
        assertThat(start.immediate).isFalse();

        StartCommand all = new StartCommand();
        new CommandLine(all).parseArgs("--targetConn", "postgres://u@h/db", "--stagingConn", "pg://s@h/stage",
                "--stagingSchema", "_replicator", "--stagingCreateSchema", "--bindAddr", "127.0.0.1:30004",
                "--disableAuthentication", "--immediate", "--flushSize", "50", "--flushPeriod", "250ms",
                "--scanSize", "7", "-vv");
        assertThat(all.bindAddr).isEqualTo(new BindAddress("127.0.0.1", 30004));
        assertThat(all.flushPeriod).isEqualTo(Duration.ofMillis(250));
        assertThat(all.verbose).hasSize(2);
        assertThat(all.immediate).isTrue();
        assertThat(all.stagingCreateSchema).isTrue();
    }

    @Test
    void startWithoutAnAuthenticationFlagAcceptsJwtsFromStagingAsMoltDoes() {
        StartCommand start = new StartCommand();
        CommandLine cl = new CommandLine(start);
        cl.parseArgs("--targetConn", "postgres://u@127.0.0.1:1/db");
        start.auth.validate(cl, false);
        assertThat(start.auth.defaulted).isTrue();
        assertThat(start.auth.jwtFromStaging).as("MOLT's default: keys in <stagingSchema>.jwt_public_keys").isTrue();
        StartCommand explicit = new StartCommand();
        CommandLine cl2 = new CommandLine(explicit);
        cl2.parseArgs("--targetConn", "postgres://u@127.0.0.1:1/db", "--authToken", "t");
        explicit.auth.validate(cl2, false);
        assertThat(explicit.auth.defaulted).isFalse();
        assertThat(explicit.auth.jwtFromStaging).isFalse();
    }

    @Test
    void versionPrintsTheBuildAndTheRuntime() {
        assertThat(run("version")).isEqualTo(0);
        assertThat(out.toString()).startsWith("failback " + FailbackCli.version() + System.lineSeparator())
                .contains("java " + System.getProperty("java.version")).contains("os ");
        assertThat(run("--version")).isEqualTo(0);
    }

    @Test
    void aUsageErrorIsItsReasonAndAHintNotTheWholeHelp() {
        assertThat(run("start", "--targetConn", "x://y", "--nope")).isEqualTo(2);
        String[] lines = err.toString().split("\\R");
        assertThat(lines).as(err.toString()).hasSizeLessThanOrEqualTo(3);
        assertThat(lines[0]).isEqualTo("Unknown option: '--nope'");
        assertThat(lines[lines.length - 1]).isEqualTo("Try 'failback start --help' for more information.");
        err.getBuffer().setLength(0);
        assertThat(run("nope")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'nope'")
                .contains("Try 'failback --help' for more information.").doesNotContain("Usage:");
    }

    @Test
    void unknownFlagsAndBadValuesAreErrorsWithUsage() {
        assertThat(run("start", "--targetConn", "x://y", "--nope")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--nope'").contains("Try 'failback start --help' for more information.").doesNotContain("Usage:");
        err.getBuffer().setLength(0);
        assertThat(run("start", "--targetConn", "postgres://u@h/db", "--flushPeriod", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("invalid duration");
        err.getBuffer().setLength(0);
        assertThat(run("start", "--targetConn", "redis://h", "--disableAuthentication")).isEqualTo(2);
        assertThat(err.toString()).contains("unsupported connection URL scheme");
        err.getBuffer().setLength(0);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertThat(run("start", "--help")).isZero();
        assertThat(out.toString()).contains("--targetConn", "--stagingConn", "--stagingSchema", "--stagingCreateSchema",
                "--bindAddr", "Default: :26258", "--disableAuthentication", "--immediate", "--flushSize", "Default: 1000",
                "--flushPeriod", "Default: 1s", "--scanSize", "Default: 10000", "--verbose");
        out.getBuffer().setLength(0);
        assertThat(run("quickstart", "--help")).isZero();
        assertThat(out.toString()).contains("--targetConn", "--transactions", "Default: 2000", "--nodes", "Default: 3",
                "--seed", "--immediate", "--keep");
    }

    @Test
    void quickstartParsesDefaults() {
        QuickstartCommand q = new QuickstartCommand();
        new CommandLine(q).parseArgs();
        assertThat(q.transactions).isEqualTo(2000);
        assertThat(q.nodes).isEqualTo(3);
        assertThat(q.targetConn).isNull();
        assertThat(q.resolvedInterval).isEqualTo(Duration.ofMillis(250));
    }
}
