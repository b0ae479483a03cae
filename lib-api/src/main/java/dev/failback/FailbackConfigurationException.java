package dev.failback;

import java.util.List;

/**
 * Thrown by {@link Failback.Builder#start()} when the configuration is inconsistent or the databases
 * are not usable as configured. The message lists every problem found, one per line.
 */
public final class FailbackConfigurationException extends FailbackException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates an exception listing problems.
     *
     * @param problems the problems, never empty
     */
    public FailbackConfigurationException(List<String> problems) {
        super("Failback configuration is invalid:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Creates an exception for one problem with a cause.
     *
     * @param problem the problem
     * @param cause   the underlying failure, may be null
     */
    public FailbackConfigurationException(String problem, Throwable cause) {
        super("Failback configuration is invalid: " + problem, cause);
        this.problems = List.of(problem);
    }

    /**
     * Returns the problems found.
     *
     * @return the problems, never empty
     */
    public List<String> problems() {
        return problems;
    }
}
