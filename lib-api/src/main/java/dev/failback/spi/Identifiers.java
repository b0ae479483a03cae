package dev.failback.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Matches schema names written in a configuration or a token (a JWT scope, an allow-list) against
 * the names the target database resolved, by the target's rules: a part in double quotes
 * ({@code "Sales"}) matches exactly that name; an unquoted part matches the name the target folds it
 * to ({@code sales} on PostgreSQL, {@code SALES} on Oracle, unchanged on MySQL), see
 * {@link Dialect#foldIdentifier}; {@code *} matches any name. Never case-insensitive across two
 * names the target keeps apart. Stateless.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /**
     * Whether a pattern part names a resolved name.
     *
     * @param pattern a part: {@code *}, {@code "Quoted"} or unquoted
     * @param name    the name as the target stores it
     * @param fold    how the target folds an unquoted identifier
     * @return true when the target would resolve the part to this name
     */
    public static boolean matches(String pattern, String name, UnaryOperator<String> fold) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(name, "name");
        if (pattern.equals("*")) {
            return true;
        }
        if (isQuoted(pattern)) {
            return unquote(pattern).equals(name);
        }
        return fold.apply(pattern).equals(name);
    }

    /**
     * Whether each part of a pattern path matches the part of a resolved path at the same position.
     *
     * @param pattern the pattern parts
     * @param path    the resolved parts
     * @param fold    how the target folds an unquoted identifier
     * @return true when both have as many parts and each matches
     */
    public static boolean matches(List<String> pattern, List<String> path, UnaryOperator<String> fold) {
        if (pattern.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            if (!matches(pattern.get(i), path.get(i), fold)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a pattern part could match a name under some folding rule: quotes removed, case
     * ignored. A cheap filter before the target resolves a path; {@link #matches} decides.
     *
     * @param pattern a part
     * @param name    a name, as a request spelled it
     * @return false only when no target could resolve the two to one name
     */
    public static boolean mayMatch(String pattern, String name) {
        return pattern.equals("*") || unquote(pattern).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether two names are equal ignoring the case of ASCII letters only, as PostgreSQL, CockroachDB
     * and Oracle fold unquoted identifiers: {@code K} (U+212A KELVIN SIGN) is not {@code k}, nor
     * {@code ſ} (U+017F) {@code s}, though {@link String#equalsIgnoreCase} says they are.
     *
     * @param a a name
     * @param b another name
     * @return true when they differ at most in the case of ASCII letters
     */
    public static boolean equalsIgnoreAsciiCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && asciiLower(x) != asciiLower(y)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lower-cases the ASCII letters of a name, and nothing else (PostgreSQL's and CockroachDB's folding).
     *
     * @param name a name
     * @return the folded name
     */
    public static String lowerAscii(String name) {
        char[] c = name.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = asciiLower(c[i]);
        }
        return new String(c);
    }

    /**
     * Upper-cases the ASCII letters of a name, and nothing else (Oracle's folding).
     *
     * @param name a name
     * @return the folded name
     */
    public static String upperAscii(String name) {
        char[] c = name.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i] >= 'a' && c[i] <= 'z' ? (char) (c[i] - ('a' - 'A')) : c[i];
        }
        return new String(c);
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * Splits a dotted name ({@code db.public}, {@code "My.Db".public}) into its parts, keeping the
     * quotes of quoted parts ({@code ""} inside quotes is one quote).
     *
     * @param dotted the name
     * @return the parts, never empty
     * @throws IllegalArgumentException for an empty part or an unclosed quote
     */
    public static List<String> split(String dotted) {
        java.util.ArrayList<String> parts = new java.util.ArrayList<>(2);
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < dotted.length(); i++) {
            char c = dotted.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                part.append(c);
            } else if (c == '.' && !quoted) {
                parts.add(checked(part.toString(), dotted));
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed quote in \"" + dotted + "\"");
        }
        parts.add(checked(part.toString(), dotted));
        return List.copyOf(parts);
    }

    private static String checked(String part, String dotted) {
        if (part.isEmpty() || part.equals("\"\"")) {
            throw new IllegalArgumentException("empty name part in \"" + dotted + "\"");
        }
        return part;
    }

    private static boolean isQuoted(String part) {
        return part.length() >= 2 && part.charAt(0) == '"' && part.charAt(part.length() - 1) == '"';
    }

    private static String unquote(String part) {
        return isQuoted(part) ? part.substring(1, part.length() - 1).replace("\"\"", "\"") : part;
    }
}
