package dev.failback.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code failback} command line, main class of {@code failback.jar}:
 *
 * <ul>
 * <li>{@code failback start --targetConn URL --bindAddr :26258 --disableAuthentication …} receives a
 *     CockroachDB changefeed and applies it to the target, with MOLT Replicator's flag names
 *     ({@link StartCommand});</li>
 * <li>{@code failback quickstart} runs a simulated changefeed against a throw-away PostgreSQL
 *     schema or MySQL/MariaDB database (an embedded PostgreSQL when none is given and none runs locally)
 *     and checks that the target ends up equal to the source ({@link QuickstartCommand});</li>
 * <li>{@code failback make-jwt -k ec.key -a db.schema} issues a MOLT Replicator JWT
 *     ({@link MakeJwtCommand}); {@code failback verify-jwt --jwtPublicKey ec.pub TOKEN} checks one
 *     ({@link VerifyJwtCommand});</li>
 * <li>{@code failback checkpoint show|reset --stagingConn URL} lists the checkpoints of a staging schema
 *     and moves one back ({@link CheckpointCommand});</li>
 * <li>{@code failback preflight} with {@code start}'s flags checks what {@code start} will need, one line
 *     per check ({@link PreflightCommand});</li>
 * <li>{@code failback version} prints its version and the Java runtime's ({@link VersionCommand}).</li>
 * </ul>
 */
@Command(name = "failback", mixinStandardHelpOptions = true, versionProvider = FailbackCli.Version.class,
        description = "Replicates a CockroachDB changefeed (webhook sink) into PostgreSQL, MySQL or Oracle.",
        subcommands = {StartCommand.class, QuickstartCommand.class, MakeJwtCommand.class, VerifyJwtCommand.class,
            ChangefeedCommand.class, CheckpointCommand.class, PreflightCommand.class, VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class FailbackCli implements Runnable {
    @Spec
    CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public FailbackCli() {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: start, quickstart, make-jwt,"
                + " verify-jwt, changefeed, checkpoint, preflight or version");
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        Logging.defaults();
        System.exit(commandLine().execute(args));
    }

    /**
     * Returns the configured picocli command line, for running the CLI in-process.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FailbackCli());
        cl.setParameterExceptionHandler(FailbackCli::usageError);
        return cl;
    }

    /**
     * A usage error: its reason and where to read more, not the whole help (hundreds of lines after the one
     * that matters).
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getColorScheme().errorText(e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Runs the CLI in-process.
     *
     * @param out  standard output
     * @param err  standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"failback " + version()};
        }
    }

    static String version() {
        String v = FailbackCli.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
