package dev.failback.userscript;

/**
 * A userscript failed: it did not load (a syntax error, a throw or a bad configuration at top level, a
 * missing file), or a handler threw, ran past its time limit, or returned something the API does not
 * allow. The message names the script file and line where known, the handler, and the JavaScript error.
 */
public class UserscriptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where
     * @param cause   the engine's or the host's exception, or null
     */
    public UserscriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
