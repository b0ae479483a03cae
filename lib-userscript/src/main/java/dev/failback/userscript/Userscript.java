package dev.failback.userscript;

import dev.failback.transform.Transforms;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a MOLT Replicator userscript ({@code --userscript}) as {@link Transforms}, unchanged: TypeScript
 * or JavaScript that imports {@code replicator@v2} (or {@code replicator@v1}, alias {@code cdc-sink@v1})
 * and calls {@code configureTargetSchema} / {@code configureTargetTables} (v1: {@code configureSource} /
 * {@code configureTable}) at top level.
 *
 * <p>The script runs in GraalJS (on a stock JDK, in its interpreter). TypeScript has its types stripped,
 * never checked; imports of relative files of the script's directory tree resolve as MOLT resolves them
 * ({@code "./names"} loads {@code names.ts}). Top-level code runs once, here. Every later call into the
 * script is serialized on one engine, as MOLT does, and limited in time (the time spent in
 * {@code api.write} and in SQL statements of {@code onWrite} does not count).
 *
 * <p>Schema names ({@code configureTargetSchema("defaultdb.public", ...)}) and table names
 * ({@code configureTargetTables(["orders"], ...)}) are matched ignoring case.
 *
 * <p>Not supported: v1's {@code cas}, {@code deadlines}, {@code merge}/{@code standardMerge},
 * {@code exprs}, {@code extras}, {@code ignore}, {@code rowLimit} and {@code setOptions} (a load error
 * naming them); {@code http(s)://} imports; timers, fs and network (as in MOLT).
 */
public final class Userscript {

    private Userscript() {
    }

    /**
     * Options of a script.
     *
     * @param timeLimit the longest one call into the script may run before it is interrupted
     * @param console   receives {@code console.*} lines: the level ({@code info}, {@code debug}, {@code trace},
     *                  {@code warn}, {@code error}) and the text; null logs to SLF4J
     * @param loggerName the SLF4J logger of {@code console.*} when {@code console} is null; null for
     *                  {@code dev.failback.userscript.<script file name>}
     */
    public record Options(Duration timeLimit, BiConsumer<String, String> console, String loggerName) {

        /** The defaults: 5 seconds per call, console to SLF4J. */
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(5), null, null);

        /** Validates the components. */
        public Options {
            Objects.requireNonNull(timeLimit, "timeLimit");
            if (timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be positive, but was " + timeLimit);
            }
        }

        /**
         * Returns these options with another time limit.
         *
         * @param limit the limit per call
         * @return the options
         */
        public Options withTimeLimit(Duration limit) {
            return new Options(limit, console, loggerName);
        }

        /**
         * Returns these options with the script's console sent to a consumer.
         *
         * @param sink receives the level and the text
         * @return the options
         */
        public Options withConsole(BiConsumer<String, String> sink) {
            return new Options(timeLimit, sink, loggerName);
        }

        /**
         * Returns these options with the script's console logged to a named SLF4J logger.
         *
         * @param name the logger name
         * @return the options
         */
        public Options withLoggerName(String name) {
            return new Options(timeLimit, console, name);
        }
    }

    /**
     * Loads a script with the default options.
     *
     * @param mainScript the script ({@code .ts} or {@code .js}); its directory is the root of its imports
     * @return the transforms it configures; close them to release the engine
     * @throws UserscriptException when the script does not load, naming the file and line
     */
    public static Transforms load(Path mainScript) {
        return load(mainScript, Options.DEFAULTS);
    }

    /**
     * Loads a script.
     *
     * @param mainScript the script ({@code .ts} or {@code .js}); its directory is the root of its imports
     * @param options    the time limit and where the console goes
     * @return the transforms it configures; close them to release the engine
     * @throws UserscriptException when the script does not load, naming the file and line
     */
    public static Transforms load(Path mainScript, Options options) {
        Objects.requireNonNull(mainScript, "mainScript");
        Objects.requireNonNull(options, "options");
        BiConsumer<String, String> console = options.console();
        if (console == null) {
            Logger log = LoggerFactory.getLogger(options.loggerName() != null ? options.loggerName()
                    : "dev.failback.userscript." + mainScript.getFileName());
            console = (level, text) -> {
                switch (level) {
                    case "debug" -> log.debug(text);
                    case "trace" -> log.trace(text);
                    case "warn" -> log.warn(text);
                    case "error" -> log.error(text);
                    default -> log.info(text);
                }
            };
        }
        return ScriptTransforms.create(new ScriptRuntime(mainScript, options.timeLimit(), console));
    }
}
