package dev.failback.examples.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration for every entry point of {@code failback.jar} (the CLI, the benchmarks, the embedding
 * examples), found through {@code META-INF/services}: {@link Logging}'s defaults — text on standard error at
 * INFO — instead of Logback's own fallback (DEBUG on standard output). Ranked after Logback's file-based step,
 * so {@code -Dlogback.configurationFile=…} or a {@code logback.xml} on the class path still wins.
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL - 5)
public final class CliLogConfigurator extends ContextAwareBase implements Configurator {

    /** Called by Logback's service loader. */
    public CliLogConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
