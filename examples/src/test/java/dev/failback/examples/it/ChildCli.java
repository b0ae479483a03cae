package dev.failback.examples.it;

import dev.failback.examples.cli.FailbackCli;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The {@code failback} CLI as a child JVM (this test's classpath, a 256 MiB heap), and a free port for it. */
final class ChildCli {
    private ChildCli() {
    }

    /** A port free now (the child binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code java -Xmx256m -cp <classpath> FailbackCli args…}, output and errors merged. */
    static ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                FailbackCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
