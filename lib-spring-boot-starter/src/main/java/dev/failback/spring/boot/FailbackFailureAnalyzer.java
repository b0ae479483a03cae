package dev.failback.spring.boot;

import dev.failback.FailbackConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link FailbackConfigurationException} that stopped the application into Spring Boot's
 * "APPLICATION FAILED TO START" report: every problem on its own line (each names its property), and
 * what to do.
 */
class FailbackFailureAnalyzer extends AbstractFailureAnalyzer<FailbackConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, FailbackConfigurationException cause) {
        return new FailureAnalysis("Failback could not start:\n  - " + String.join("\n  - ", cause.problems()),
                "Set the " + FailbackProperties.PREFIX + ".* properties (or beans) named above; see docs/spring-boot.md"
                        + " of Failback for every property. To run the application without Failback, set "
                        + FailbackProperties.PREFIX + ".enabled=false.", cause);
    }
}
