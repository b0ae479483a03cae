package dev.failback.examples.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code failback version}: this build's version and the runtime it runs on, one fact per line, as MOLT
 * Replicator's {@code version} command prints its build (for a support ticket or a pre-cutover checklist).
 */
@Command(name = "version", description = "Prints the version of failback and of the Java runtime it runs on.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    VersionCommand() {
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println("failback " + FailbackCli.version());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        out.println("os " + System.getProperty("os.name").toLowerCase(Locale.ROOT) + " " + System.getProperty("os.arch"));
        out.flush();
        return 0;
    }
}
