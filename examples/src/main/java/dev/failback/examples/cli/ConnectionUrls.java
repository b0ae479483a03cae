package dev.failback.examples.cli;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the connection strings MOLT Replicator accepts ({@code postgres://user:pass@host:port/db?sslmode=…},
 * also {@code postgresql://}, {@code pg://}, {@code pgx://}, and {@code mysql://}) into JDBC URLs, and
 * passes {@code jdbc:} URLs through unchanged. User and password are percent-decoded and returned
 * apart from the URL; the query parameters ({@code sslmode}, {@code sslrootcert}, {@code sslcert},
 * {@code sslkey}, …) are passed on to the driver. Stateless and thread-safe.
 */
public final class ConnectionUrls {

    /**
     * A JDBC connection: the URL plus the credentials taken out of the original string. Immutable.
     *
     * @param url      the JDBC URL, without credentials unless the input was a {@code jdbc:} URL
     * @param user     the user, or null
     * @param password the password, or null
     */
    public record Jdbc(String url, String user, String password) {

        /** Masks the password. */
        @Override
        public String toString() {
            return url + (user == null ? "" : " (user " + user + (password == null ? "" : ", password ****") + ")");
        }
    }

    private ConnectionUrls() {
    }

    /**
     * Converts a connection string.
     *
     * @param connection a {@code postgres[ql]://}, {@code pg://}, {@code pgx://}, {@code mysql://} or {@code jdbc:} URL
     * @return the JDBC form, never null
     * @throws IllegalArgumentException when the string is not a supported URL; the message says why
     */
    public static Jdbc toJdbc(String connection) {
        Objects.requireNonNull(connection, "connection");
        String s = connection.trim();
        if (s.regionMatches(true, 0, "jdbc:", 0, 5)) {
            return new Jdbc(s, null, null);
        }
        int colon = s.indexOf("://");
        if (colon <= 0) {
            throw new IllegalArgumentException("not a connection URL (expected postgres://user@host:port/database or jdbc:…): "
                    + mask(s));
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = s.substring(colon + 3);
        String jdbcPrefix;
        int defaultPort;
        switch (scheme) {
            case "postgres", "postgresql", "pg", "pgx" -> {
                jdbcPrefix = "jdbc:postgresql://";
                defaultPort = 5432;
            }
            case "mysql" -> {
                jdbcPrefix = "jdbc:mysql://";
                defaultPort = 3306;
            }
            case "ora", "oracle" -> throw new IllegalArgumentException(
                    "oracle:// connection strings are not supported yet; pass a jdbc:oracle:thin:@… URL");
            default -> throw new IllegalArgumentException("unsupported connection URL scheme \"" + scheme
                    + "\"; expected postgres://, postgresql://, pg://, mysql:// or jdbc:");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int c = userInfo.indexOf(':');
            user = decode(c >= 0 ? userInfo.substring(0, c) : userInfo);
            password = c >= 0 ? decode(userInfo.substring(c + 1)) : null;
            if (user.isEmpty()) {
                user = null;
            }
        }
        String hosts = rest.isEmpty() ? "localhost" : rest;
        StringBuilder hostList = new StringBuilder();
        for (String host : hosts.split(",")) {
            if (hostList.length() > 0) {
                hostList.append(',');
            }
            hostList.append(withPort(host, defaultPort));
        }
        String database = decode(path);
        if (database.isEmpty()) {
            database = scheme.equals("mysql") ? "" : (user != null ? user : "postgres");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq >= 0 ? pair.substring(0, eq) : pair);
                String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
                switch (name) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    case "application_name" -> params.put(jdbcPrefix.contains("postgresql") ? "ApplicationName" : name, value);
                    case "connect_timeout" -> params.put(jdbcPrefix.contains("postgresql") ? "connectTimeout" : name, value);
                    default -> params.put(name, value);
                }
            }
        }
        StringBuilder url = new StringBuilder(jdbcPrefix).append(hostList).append('/').append(encode(database));
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            url.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return new Jdbc(url.toString(), user, password);
    }

    /**
     * Hides the password of a connection string, for logs.
     *
     * @param connection any connection string
     * @return the string with the password replaced by {@code ****}
     */
    public static String mask(String connection) {
        if (connection == null) {
            return null;
        }
        String s = connection.replaceAll("(?i)(password=)[^&;]*", "$1****");
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            return s;
        }
        int end = s.length();
        for (char c : new char[] {'/', '?'}) {
            int i = s.indexOf(c, scheme + 3);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        int at = s.lastIndexOf('@', end);
        if (at > scheme) {
            int colon = s.indexOf(':', scheme + 3);
            if (colon >= 0 && colon < at) {
                return s.substring(0, colon + 1) + "****" + s.substring(at);
            }
        }
        return s;
    }

    private static String withPort(String host, int defaultPort) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close == host.length() - 1 ? host + ":" + defaultPort : host;
        }
        return host.indexOf(':') >= 0 ? host : host + ":" + defaultPort;
    }

    /** Percent-decodes (a {@code +} stays a plus, unlike form decoding). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-encoding in connection URL near \"" + s.substring(i)
                            .replaceAll("(.{0,3}).*", "$1") + "\"");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("bad percent-encoding at the end of a connection URL part");
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
