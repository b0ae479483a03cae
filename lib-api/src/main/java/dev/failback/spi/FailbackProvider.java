package dev.failback.spi;

import dev.failback.Failback;
import dev.failback.FailbackConfig;

/**
 * Internal contract between {@code failback-api} and {@code failback-core}, found with
 * {@link java.util.ServiceLoader}. Not for applications.
 */
public interface FailbackProvider {

    /**
     * Starts a pipeline.
     *
     * @param config the configuration
     * @return the running pipeline
     */
    Failback start(FailbackConfig config);
}
