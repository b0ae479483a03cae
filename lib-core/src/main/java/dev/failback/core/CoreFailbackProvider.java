package dev.failback.core;

import dev.failback.Failback;
import dev.failback.FailbackConfig;
import dev.failback.core.internal.Pipeline;
import dev.failback.spi.FailbackProvider;

/**
 * The engine behind {@link Failback#builder()}, registered for {@link java.util.ServiceLoader}.
 * Internal contract, not for applications.
 */
public final class CoreFailbackProvider implements FailbackProvider {

    /** Creates the provider (called by ServiceLoader). */
    public CoreFailbackProvider() {
    }

    @Override
    public Failback start(FailbackConfig config) {
        return Pipeline.start(config);
    }
}
