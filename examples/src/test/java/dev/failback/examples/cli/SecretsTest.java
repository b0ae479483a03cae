package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** Secrets given as env:NAME, file:PATH, FAILBACK_* variables and @FILE arguments, never echoed. */
class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void envAndFileValuesAreResolvedAndOthersKeptLiterally() throws Exception {
        Map<String, String> env = Map.of("TOKEN", " s3cret \n", "EMPTY", "");
        assertThat(Secrets.resolve("env:TOKEN", env::get)).isEqualTo("s3cret");
        Path file = Files.writeString(dir.resolve("url"), "# staging\n\n  postgres://u:pw@h/db \nignored\n");
        assertThat(Secrets.resolve("file:" + file, env::get)).isEqualTo("postgres://u:pw@h/db");
        assertThat(Secrets.resolve("postgres://u:pw@h/db", env::get)).isEqualTo("postgres://u:pw@h/db");
        assertThat(Secrets.resolve("@literal", env::get)).isEqualTo("@literal");

        assertThatThrownBy(() -> Secrets.resolve("env:NOPE", env::get)).isInstanceOf(TypeConversionException.class)
                .hasMessage("environment variable NOPE is not set or empty");
        assertThatThrownBy(() -> Secrets.resolve("env:EMPTY", env::get)).hasMessageContaining("EMPTY is not set");
        assertThatThrownBy(() -> Secrets.resolve("file:" + dir.resolve("missing"), env::get))
                .hasMessageContaining("cannot read file:");
        Path comments = Files.writeString(dir.resolve("comments"), "# only\n\n");
        assertThatThrownBy(() -> Secrets.resolve("file:" + comments, env::get)).hasMessageContaining("holds no value");
        assertThat(Secrets.fromEnv("NOPE", env::get)).isNull();
        assertThat(Secrets.fromEnv("REF", Map.of("REF", "file:" + file)::get)).isEqualTo("postgres://u:pw@h/db");
    }

    @Test
    void startTakesItsSecretsFromTheEnvironmentWhenNotGiven() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--jwtPublicKey", "a.pub");
        start.env = Map.of(Secrets.TARGET_CONN_ENV, "postgres://u:pw@h/db", Secrets.STAGING_CONN_ENV, "mysql://s:pw@h/st",
                Secrets.AUTH_TOKEN_ENV, "tok")::get;
        start.applyEnvironment();
        assertThat(start.targetConn).isEqualTo("postgres://u:pw@h/db");
        assertThat(start.stagingConn).isEqualTo("mysql://s:pw@h/st");
        assertThat(start.auth.authTokens).containsExactly("tok");
        assertThat(start.exposedSecrets()).isEmpty();

        StartCommand given = new StartCommand();
        new CommandLine(given).parseArgs("--targetConn", "postgres://u@h/db", "--authToken", "mine");
        given.env = Map.of(Secrets.TARGET_CONN_ENV, "postgres://other@h/db", Secrets.AUTH_TOKEN_ENV, "tok")::get;
        given.applyEnvironment();
        assertThat(given.targetConn).isEqualTo("postgres://u@h/db");
        assertThat(given.stagingConn).isNull();
        assertThat(given.auth.authTokens).containsExactly("mine");

        StartCommand none = new StartCommand();
        new CommandLine(none).parseArgs("--disableAuthentication");
        none.env = Map.<String, String>of()::get;
        assertThatThrownBy(none::applyEnvironment).isInstanceOf(ParameterException.class)
                .hasMessageContaining("--targetConn").hasMessageContaining(Secrets.TARGET_CONN_ENV);
    }

    @Test
    void anEnvironmentTokenContradictsDisableAuthentication() {
        StartCommand start = new StartCommand();
        CommandLine cl = new CommandLine(start);
        cl.parseArgs("--targetConn", "postgres://u@h/db", "--disableAuthentication");
        start.env = Map.of(Secrets.AUTH_TOKEN_ENV, "tok")::get;
        start.applyEnvironment();
        assertThatThrownBy(() -> start.auth.validate(cl, true)).isInstanceOf(ParameterException.class)
                .hasMessageContaining(Secrets.AUTH_TOKEN_ENV).hasMessageNotContaining("tok;");
    }

    @Test
    void secretsTypedOnTheCommandLineAreWarnedAbout() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "from-file\n");
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u:pw@h/db", "--stagingConn=postgres://s:pw2@h/st",
                "--authToken", "literal", "--authToken", "file:" + token);
        assertThat(start.auth.authTokens).containsExactly("literal", "from-file");
        assertThat(start.exposedSecrets()).hasSize(3).allMatch(w -> w.contains("visible to every local user"))
                .noneMatch(w -> w.contains("pw") || w.contains("literal"));

        StartCommand safe = new StartCommand();
        new CommandLine(safe).parseArgs("--targetConn", "postgres://u@h/db", "--authToken", "file:" + token);
        assertThat(safe.exposedSecrets()).isEmpty();
    }

    @Test
    void argumentFilesHideSecretsAndAtValuesNeedTheAttachedForm() throws Exception {
        Path args = Files.writeString(dir.resolve("args"), "# secrets\n--targetConn \"postgres://u:p w@h/db\"\n"
                + "--authToken t0k\n");
        CommandLine cl = FailbackCli.commandLine();
        cl.parseArgs("start", "@" + args, "--authToken=@at-token", "--authToken", "@@other");
        StartCommand start = (StartCommand) cl.getSubcommands().get("start").getCommand();
        assertThat(start.targetConn).isEqualTo("postgres://u:p w@h/db");
        assertThat(start.auth.authTokens).containsExactly("t0k", "@at-token", "@other");
        assertThat(start.exposedSecrets()).as("the tokens typed after the @FILE").hasSize(1)
                .allMatch(w -> w.startsWith("--authToken is visible"));
    }

    @Test
    void helpDocumentsTheSecretForms() {
        StringWriter out = new StringWriter();
        FailbackCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "start", "--help");
        assertThat(out.toString()).contains("env:NAME", "file:PATH", Secrets.TARGET_CONN_ENV, Secrets.STAGING_CONN_ENV,
                Secrets.AUTH_TOKEN_ENV, "failback start @", "--opt=@value");
        out.getBuffer().setLength(0);
        FailbackCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "checkpoint", "reset", "--help");
        assertThat(out.toString()).contains("--stagingConn", "--group", "--to", "--force", "env:NAME");
    }
}
