package dev.failback.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * Values of secret-bearing options (bearer tokens, connection URLs that hold a password) given by
 * reference, so that they stay out of the process list ({@code ps}, {@code /proc/<pid>/cmdline}), which
 * every local user can read: {@code env:NAME} is the value of environment variable {@code NAME},
 * {@code file:PATH} the first line of {@code PATH} that is not blank or a {@code #} comment. Any other
 * value is taken literally. Besides, {@code failback start} takes {@code --targetConn},
 * {@code --stagingConn} and {@code --authToken} from {@value #TARGET_CONN_ENV}, {@value #STAGING_CONN_ENV}
 * and {@value #AUTH_TOKEN_ENV} when they are not given, and picocli reads whole argument lists from
 * {@code @FILE}. Errors never echo a value. Stateless and thread-safe.
 */
final class Secrets implements CommandLine.ITypeConverter<String> {
    /** The environment variable {@code --targetConn} defaults to. */
    static final String TARGET_CONN_ENV = "FAILBACK_TARGET_CONN";
    /** The environment variable {@code --stagingConn} defaults to. */
    static final String STAGING_CONN_ENV = "FAILBACK_STAGING_CONN";
    /** The environment variable {@code --authToken} defaults to. */
    static final String AUTH_TOKEN_ENV = "FAILBACK_AUTH_TOKEN";
    /** The line the help of every secret option ends with. */
    static final String FORMS = "Also env:NAME or file:PATH (first line), to keep it out of ps.";

    @Override
    public String convert(String value) {
        return resolve(value, System::getenv);
    }

    /**
     * Resolves {@code env:NAME} and {@code file:PATH}; returns any other value as it is.
     *
     * @param value the option value
     * @param env   the environment
     * @return the value referred to
     * @throws TypeConversionException when the variable is unset or empty, or the file unreadable or empty
     */
    static String resolve(String value, Function<String, String> env) {
        if (value.startsWith("env:")) {
            String name = value.substring(4);
            String v = name.isEmpty() ? null : env.apply(name);
            if (v == null || v.isBlank()) {
                throw new TypeConversionException("environment variable " + (name.isEmpty() ? "(no name after env:)" : name)
                        + " is not set or empty");
            }
            return v.strip();
        }
        if (value.startsWith("file:")) {
            Path file = Path.of(value.substring(5));
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new TypeConversionException("cannot read " + value + ": " + e);
            }
            for (String line : lines) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    return t;
                }
            }
            throw new TypeConversionException(value + " holds no value (only blank lines and # comments)");
        }
        return value;
    }

    /**
     * The value of an environment variable used as an option's default, itself resolved (it may say
     * {@code file:PATH}).
     *
     * @param name the variable
     * @param env  the environment
     * @return the value, or null when the variable is unset or blank
     * @throws TypeConversionException when it refers to an unusable file or variable
     */
    static String fromEnv(String name, Function<String, String> env) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return resolve(v.strip(), env);
        } catch (TypeConversionException e) {
            throw new TypeConversionException(name + ": " + e.getMessage());
        }
    }

    /**
     * Whether a secret was typed on the command line itself rather than read through {@code env:},
     * {@code file:}, the environment or an {@code @FILE}.
     *
     * @param originalArgs the arguments before {@code @FILE} expansion
     * @param option       the option name
     * @param secret       the secret, or null
     * @return true when an argument is the secret or {@code option=secret}
     */
    static boolean onCommandLine(List<String> originalArgs, String option, String secret) {
        if (secret == null || secret.isEmpty()) {
            return false;
        }
        for (String arg : originalArgs) {
            if (arg.equals(secret) || arg.equals(option + "=" + secret)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a connection string holds a password.
     *
     * @param connection the string, or null
     * @return true when it has one (a {@code user:password@} part, or a {@code password} parameter)
     */
    static boolean hasPassword(String connection) {
        if (connection == null) {
            return false;
        }
        try {
            String password = ConnectionUrls.toJdbc(connection).password();
            return password != null && !password.isEmpty()
                    || connection.toLowerCase(java.util.Locale.ROOT).contains("password=");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
