package dev.failback.examples.cli;

import dev.failback.Hlc;
import dev.failback.examples.cli.changefeed.ChangefeedException;
import dev.failback.examples.cli.changefeed.ChangefeedRunner;
import dev.failback.examples.cli.changefeed.ChangefeedSpec;
import dev.failback.examples.cli.changefeed.ClusterSetting;
import dev.failback.examples.cli.changefeed.ClusterSettings;
import dev.failback.examples.cli.changefeed.TargetKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback changefeed}: prints (or, with {@code --run}, runs) the {@code CREATE CHANGEFEED} that
 * feeds Failback, as {@link ChangefeedSpec} renders it. Printing with a fixed {@code --cursor} needs no
 * database; {@code --cursor now} (the default) and {@code --run} connect to {@code --sourceConn}.
 */
@Command(name = "changefeed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print (or run with --run) the CREATE CHANGEFEED that feeds Failback: the MOLT runbook's options,",
            "the webhook path for the target, certificates and bearer token. Secrets are masked unless --showSecrets."},
        footer = {"", "Example:",
            "  failback changefeed --table employees,orders --failbackUrl https://failback-host:30004 \\",
            "      --targetDialect postgresql --targetDatabase migration_db --cursor 1759246920563173000.0000000000 \\",
            "      --authTokenFile token.txt --caCert ca.crt --clientCert client.crt --clientKey client.key"})
final class ChangefeedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sourceConn", paramLabel = "URL", converter = Secrets.class,
            description = "The CockroachDB source (postgres://user@host:26257/db?sslmode=verify-full… or jdbc:postgresql:…);"
                    + " needed for --cursor now and --run. " + Secrets.FORMS)
    String sourceConn;

    @Option(names = "--table", paramLabel = "TABLE", split = ",", required = true,
            description = "A table to watch (table, schema.table or db.schema.table). Repeatable or comma-separated.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--failbackUrl", paramLabel = "URL", required = true,
            description = "Failback's address as CockroachDB reaches it: https://host:port (the path comes from the target).")
    String failbackUrl;

    @Option(names = "--targetDialect", paramLabel = "KIND", required = true,
            description = "postgresql, cockroachdb, mysql, mariadb or oracle: decides the path (/db/schema, /db or /SCHEMA).")
    String targetDialect;

    @Option(names = "--targetDatabase", paramLabel = "NAME", description = "The target database (not for Oracle).")
    String targetDatabase;

    @Option(names = "--targetSchema", paramLabel = "NAME",
            description = "The target schema: default public for PostgreSQL/CockroachDB; for Oracle the owner (upper case).")
    String targetSchema;

    @Option(names = "--authToken", paramLabel = "TOKEN", converter = Secrets.class,
            description = "Bearer token for webhook_auth_header (a Failback --authToken or a make-jwt JWT)."
                    + " Give env:NAME or file:PATH, or --authTokenFile: a literal TOKEN is visible in ps.")
    String authToken;

    @Option(names = "--authTokenFile", paramLabel = "FILE",
            description = "Read the token from FILE: the first line that is not blank or a # comment.")
    Path authTokenFile;

    @Option(names = "--caCert", paramLabel = "FILE",
            description = "PEM CA that signed Failback's certificate (ca_cert); omit for a public CA.")
    Path caCert;

    @Option(names = "--clientCert", paramLabel = "FILE", description = "PEM client certificate for mutual TLS (client_cert).")
    Path clientCert;

    @Option(names = "--clientKey", paramLabel = "FILE", description = "PEM client key for mutual TLS (client_key).")
    Path clientKey;

    @Option(names = "--insecureTlsSkipVerify",
            description = "Add insecure_tls_skip_verify=true (trials with --tlsSelfSigned only).")
    boolean insecureTlsSkipVerify;

    @Option(names = "--cursor", paramLabel = "HLC|now", defaultValue = "now",
            description = "Start timestamp (wall.logical); now reads SELECT cluster_logical_timestamp() on --sourceConn."
                    + " Default: ${DEFAULT-VALUE}.")
    String cursor;

    @Option(names = "--resolved", paramLabel = "DURATION", defaultValue = "250ms", converter = GoDuration.class,
            description = "resolved and min_checkpoint_frequency. Default: ${DEFAULT-VALUE}.")
    Duration resolved;

    @Option(names = "--initialScan", paramLabel = "no|yes|only", defaultValue = "no", description = "Default: ${DEFAULT-VALUE}.")
    String initialScan;

    @Option(names = "--webhookClientTimeout", paramLabel = "DURATION", defaultValue = "30s", converter = GoDuration.class,
            description = "webhook_client_timeout (CockroachDB's own default is none or 3s by version). Default: ${DEFAULT-VALUE}.")
    Duration webhookClientTimeout;

    @Option(names = "--diff", description = "Add the diff option (not needed by Failback).")
    boolean diff;

    @Option(names = "--run", description = "Create the changefeed on --sourceConn and print its job id (default: print only).")
    boolean run;

    @Option(names = "--showSecrets", description = "Print the token and client key instead of ****.")
    boolean showSecrets;

    @Option(names = "--clusterSettings", description = "Also print the recommended cluster settings with their trade-offs.")
    boolean clusterSettings;

    @Option(names = "--applyClusterSettings", description = "With --run, apply the recommended cluster settings first.")
    boolean applyClusterSettings;

    @Override
    public Integer call() {
        if (authToken != null && authTokenFile != null) {
            throw new ParameterException(spec.commandLine(), "--authToken and --authTokenFile exclude each other; pass one");
        }
        if (applyClusterSettings && !run) {
            throw new ParameterException(spec.commandLine(), "--applyClusterSettings needs --run (without it nothing is applied;"
                    + " use --clusterSettings to print them)");
        }
        boolean now = cursor.equalsIgnoreCase("now");
        if ((now || run) && sourceConn == null) {
            throw new ParameterException(spec.commandLine(), (run ? "--run" : "--cursor now")
                    + " needs --sourceConn (the CockroachDB source); pass --cursor HLC to print without a database");
        }
        ChangefeedSpec cf;
        try {
            ChangefeedSpec.Builder b = ChangefeedSpec.builder()
                    .tables(tables)
                    .failbackUrl(failbackUrl)
                    .target(TargetKind.parse(targetDialect), targetDatabase, targetSchema)
                    .cursor(now ? null : Hlc.parse(cursor))
                    .resolved(resolved)
                    .initialScan(initialScan)
                    .webhookClientTimeout(webhookClientTimeout)
                    .diff(diff)
                    .authToken(authTokenFile != null ? tokenFrom(authTokenFile) : authToken)
                    .caCertPem(read(caCert, "--caCert"))
                    .clientCertPem(read(clientCert, "--clientCert"))
                    .clientKeyPem(read(clientKey, "--clientKey"))
                    .insecureTlsSkipVerify(insecureTlsSkipVerify);
            cf = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (clusterSettings) {
            out.println(clusterSettingsText(!applyClusterSettings));
        }
        try {
            ChangefeedRunner runner = sourceConn == null ? null : runner();
            if (!run) {
                ChangefeedSpec fixed = now ? cf.withCursor(runner.clusterLogicalTimestamp()) : cf;
                out.println(fixed.sql(!showSecrets) + ";");
            } else {
                if (applyClusterSettings) {
                    runner.applyClusterSettings(ClusterSettings.recommended());
                    err.println("Applied " + ClusterSettings.recommended().size() + " cluster settings.");
                }
                ChangefeedRunner.Created created = runner.create(cf);
                out.println(created.spec().sql(!showSecrets) + ";");
                out.println("-- created changefeed job " + created.jobId() + " at cursor " + created.cursor()
                        + "; watch it with SHOW CHANGEFEED JOB " + created.jobId() + ";");
            }
        } catch (ChangefeedException e) {
            err.println("failback changefeed: " + e.getMessage());
            return 1;
        }
        if (!showSecrets && hasSecrets()) {
            err.println("-- secrets are masked (****); add --showSecrets to print a statement you can paste");
            if (!run) {
                err.println("--   (print it into a file only you can read: umask 077; failback changefeed ... --showSecrets"
                        + " > changefeed.sql; or let --run create the changefeed without printing it)");
            }
        }
        if (authToken != null || authTokenFile != null) {
            err.println("-- give Failback the same token off its command line: failback start --authTokenFile FILE,"
                    + " --authToken file:PATH or env:NAME, or " + Secrets.AUTH_TOKEN_ENV + " in its environment");
        }
        java.util.List<String> args = spec.commandLine().getParseResult() == null ? java.util.List.of()
                : spec.commandLine().getParseResult().originalArgs();
        if (Secrets.onCommandLine(args, "--authToken", authToken)
                || Secrets.hasPassword(sourceConn) && Secrets.onCommandLine(args, "--sourceConn", sourceConn)) {
            err.println("-- warning: a secret typed on this command line (--authToken, a --sourceConn password) is"
                    + " visible to other local users in ps; pass env:NAME or file:PATH instead");
        }
        out.flush();
        return 0;
    }

    private boolean hasSecrets() {
        return authToken != null || authTokenFile != null || clientKey != null;
    }

    private ChangefeedRunner runner() {
        ConnectionUrls.Jdbc jdbc;
        try {
            jdbc = ConnectionUrls.toJdbc(sourceConn);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sourceConn: " + e.getMessage());
        }
        return ChangefeedRunner.of(jdbc.url(), jdbc.user(), jdbc.password());
    }

    /**
     * Returns the recommended cluster settings as SQL with a comment each.
     *
     * @param printOnly whether to say that nothing is applied
     * @return the text
     */
    static String clusterSettingsText(boolean printOnly) {
        StringBuilder text = new StringBuilder("-- Cluster settings on the CockroachDB source (the MOLT runbook's);"
                + " cluster-wide, apply them knowingly:\n");
        for (ClusterSetting s : ClusterSettings.recommended()) {
            text.append("-- ").append(s.explanation()).append('\n').append(s.sql()).append(";\n");
        }
        if (printOnly) {
            text.append("-- (printed only; --run --applyClusterSettings applies them)\n");
        }
        return text.toString();
    }

    private String read(Path file, String flag) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + flag + " " + file + ": " + e, e);
        }
    }

    private String tokenFrom(Path file) {
        String text = read(file, "--authTokenFile");
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return t;
            }
        }
        throw new IllegalArgumentException("--authTokenFile " + file + " holds no token");
    }
}
