package dev.failback.examples.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.FileAppender;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The CLI's logging, on Logback, configured in code (no {@code logback.xml} to find or to get wrong): one
 * appender on standard error or a file, text or JSON lines, INFO by default with Hikari and Jetty at WARN.
 * Embedders bring their own SLF4J backend; this class is the CLI's only.
 */
public final class Logging {
    /** The text layout: ISO-8601 time with offset, thread, level, the logger's simple name, the message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger{0} - %msg%n%ex";

    private static volatile String format = "text";
    private static volatile String file;

    private Logging() {
    }

    /**
     * Text on standard error at INFO; Hikari and Jetty at WARN. Called first thing by {@code main} (and, through
     * {@link CliLogConfigurator}, by Logback itself for every other entry point of the jar). A Logback configuration
     * of the user's ({@code -Dlogback.configurationFile=…}) is left alone.
     */
    public static synchronized void defaults() {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        install(context());
    }

    /** The defaults, on a given context (Logback's own configuration step must not ask LoggerFactory). */
    static synchronized void install(LoggerContext context) {
        format = "text";
        file = null;
        reconfigure(context);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("io.zonky").setLevel(Level.WARN); // the quickstart's embedded PostgreSQL: initdb's and the server's output
    }

    /**
     * -v: debug, -vv: trace; 0 leaves the level as it is.
     *
     * @param level the number of -v flags
     */
    static void verbosity(int level) {
        if (level >= 2) {
            root().setLevel(Level.TRACE);
        } else if (level == 1) {
            root().setLevel(Level.DEBUG);
        }
    }

    /**
     * --logFormat: {@code text} or {@code json} (one JSON object per line: {@code timestamp} in epoch
     * milliseconds, {@code level}, {@code threadName}, {@code loggerName}, {@code mdc}, {@code formattedMessage},
     * {@code throwable}); {@code fluent}, MOLT Replicator's
     * name for its structured format, means {@code json}.
     *
     * @param name the format's name, any case
     * @return the format used
     * @throws IllegalArgumentException for another name
     */
    static synchronized String format(String name) {
        String f = name.toLowerCase(Locale.ROOT);
        if (f.equals("fluent")) {
            f = "json";
        }
        if (!f.equals("text") && !f.equals("json")) {
            throw new IllegalArgumentException("--logFormat must be text, json or fluent (MOLT's name for json), but was " + name);
        }
        if (!f.equals(format)) {
            format = f;
            reconfigure(context());
        }
        return f;
    }

    /**
     * --logDestination: write to this file (appending) instead of standard error.
     *
     * @param path the file
     */
    static synchronized void destination(String path) {
        java.nio.file.Path target = java.nio.file.Path.of(path).toAbsolutePath();
        java.nio.file.Path directory = target.getParent();
        if (directory != null && !java.nio.file.Files.isDirectory(directory)) {
            throw new IllegalArgumentException("--logDestination " + path + " cannot be opened for appending: "
                    + directory + " is not a directory");
        }
        try {
            java.nio.file.Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND).close();
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("--logDestination " + path + " cannot be opened for appending: " + e, e);
        }
        file = path;
        if (!reconfigure(context())) {
            file = null;
            reconfigure(context());
            throw new IllegalArgumentException("--logDestination " + path + " cannot be opened for appending (a missing"
                    + " directory or no permission?)");
        }
    }

    /**
     * Sets one logger's level, for the benchmarks that want the pipeline quiet.
     *
     * @param logger a logger (package or class) name
     * @param level  trace, debug, info, warn, error or off
     */
    public static void level(String logger, String level) {
        context().getLogger(logger).setLevel(Level.toLevel(level, Level.INFO));
    }

    /**
     * Configures the defaults, then sets the root level unless the user set {@code -Dfailback.log.level}, for the
     * benchmarks.
     *
     * @param level trace, debug, info, warn, error or off
     */
    public static void quietUnlessAsked(String level) {
        defaults();
        String asked = System.getProperty("failback.log.level");
        root().setLevel(Level.toLevel(asked != null ? asked : level, Level.INFO));
    }

    /** Replaces the root's appender; false when the new one could not start (an unwritable file). */
    private static boolean reconfigure(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        Encoder<ILoggingEvent> encoder;
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // the message as text (not the pattern and its arguments apart), without Logback's own bookkeeping
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.start();
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(context);
            text.setPattern(TEXT_PATTERN);
            text.start();
            encoder = text;
        }
        OutputStreamAppender<ILoggingEvent> appender;
        if (file != null) {
            FileAppender<ILoggingEvent> f = new FileAppender<>();
            f.setFile(file);
            f.setAppend(true);
            appender = f;
        } else {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        appender.setName(file != null ? "file" : "stderr");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        return appender.isStarted();
    }

    private static Logger root() {
        return context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
