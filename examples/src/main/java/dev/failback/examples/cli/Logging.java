package dev.failback.examples.cli;

/** Configures slf4j-simple through its system properties, before the first logger is created. */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void defaults() {
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("log.com.zaxxer.hikari", "warn");
        setIfAbsent("log.org.eclipse.jetty", "warn");
        setIfAbsent("log.io.zonky", "warn"); // the quickstart's embedded PostgreSQL: initdb's and the server's output
    }

    /** -v: debug, -vv: trace. Effective only when no logger exists yet (always in the jar). */
    static void verbosity(int level) {
        defaults();
        if (level >= 2) {
            System.setProperty(PREFIX + "defaultLogLevel", "trace");
        } else if (level == 1) {
            System.setProperty(PREFIX + "defaultLogLevel", "debug");
        }
    }

    /** --logDestination: slf4j-simple writes to this file (appending) instead of standard error. */
    static void destination(String file) {
        System.setProperty(PREFIX + "logFile", file);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
