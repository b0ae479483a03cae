package dev.failback.examples.cli;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the connection strings MOLT Replicator accepts into JDBC URLs plus driver properties, and
 * passes {@code jdbc:} URLs through unchanged. User and password are percent-decoded and returned
 * apart from the URL. Stateless and thread-safe.
 *
 * <table>
 * <caption>MOLT connection strings and what they become</caption>
 * <tr><th>MOLT form</th><th>JDBC URL</th><th>notes</th></tr>
 * <tr><td>{@code postgres://u:p@h:5432/db?sslmode=…} (also {@code postgresql://}, {@code pg://},
 *     {@code pgx://})</td><td>{@code jdbc:postgresql://h:5432/db?sslmode=…}</td>
 *     <td>query parameters passed on (pgjdbc reads {@code sslmode}, {@code sslrootcert},
 *     {@code sslcert}, {@code sslkey}); default port 5432, default database the user</td></tr>
 * <tr><td>{@code mysql://u:p@h:3306/db}, {@code mysql://u:p@h/db},
 *     {@code mysql://u:p@tcp(h:3306)/db}</td><td>{@code jdbc:mysql://h:3306/db}</td>
 *     <td>default port 3306; {@code sslmode} becomes Connector/J {@code sslMode} (see
 *     {@link #MYSQL_SSL_MODES}); PEM files in {@code sslrootcert}, {@code sslcert}, {@code sslkey} are
 *     returned in {@link Jdbc#pem()} for {@link PemKeyStores} to turn into the PKCS#12 key stores
 *     Connector/J needs; other parameters are passed on as Connector/J properties</td></tr>
 * <tr><td>{@code oracle://u:p@h:1521/SERVICE} (also {@code ora://})</td>
 *     <td>{@code jdbc:oracle:thin:@//h:1521/SERVICE}</td>
 *     <td>default port 1521; {@code sslmode=require|verify-ca|verify-full} switches to
 *     {@code jdbc:oracle:thin:@tcps://h:port/SERVICE} ({@code verify-full} also sets
 *     {@code oracle.net.ssl_server_dn_match=true}); certificate files are refused (use a wallet in a
 *     {@code jdbc:} URL); other parameters are passed on as driver properties</td></tr>
 * <tr><td>{@code jdbc:…}</td><td>unchanged</td><td>credentials stay in the URL</td></tr>
 * </table>
 */
public final class ConnectionUrls {

    /** MOLT ({@code libpq}) {@code sslmode} values and the Connector/J {@code sslMode} each becomes. */
    public static final Map<String, String> MYSQL_SSL_MODES = Map.of(
            "disable", "DISABLED", "allow", "PREFERRED", "prefer", "PREFERRED", "require", "REQUIRED",
            "verify-ca", "VERIFY_CA", "verify-full", "VERIFY_IDENTITY");

    /**
     * A JDBC connection: the URL, the credentials taken out of the original string, and driver
     * properties to set besides the URL. Immutable.
     *
     * @param url        the JDBC URL, without credentials unless the input was a {@code jdbc:} URL
     * @param user       the user, or null
     * @param password   the password, or null
     * @param properties driver properties not in the URL, in order; never null
     * @param pem        PEM files to turn into key stores (MySQL), or null
     */
    public record Jdbc(String url, String user, String password, Map<String, String> properties, Pem pem) {

        /** Copies the properties. */
        public Jdbc {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        /**
         * A connection without extra properties.
         *
         * @param url      the JDBC URL
         * @param user     the user, or null
         * @param password the password, or null
         */
        public Jdbc(String url, String user, String password) {
            this(url, user, password, Map.of(), null);
        }

        /** Masks the password. */
        @Override
        public String toString() {
            return url + (user == null ? "" : " (user " + user + (password == null ? "" : ", password ****") + ")");
        }
    }

    /**
     * TLS material as PEM files, from the {@code sslrootcert}, {@code sslcert} and {@code sslkey}
     * parameters. Immutable.
     *
     * @param rootCert the CA certificates that sign the server's, or null
     * @param cert     the client certificate chain, or null
     * @param key      the client private key (PKCS#8 or PKCS#1 RSA, unencrypted), or null
     */
    public record Pem(String rootCert, String cert, String key) {
    }

    private ConnectionUrls() {
    }

    /**
     * Converts a connection string.
     *
     * @param connection a {@code postgres[ql]://}, {@code pg://}, {@code pgx://}, {@code mysql://},
     *                   {@code oracle://}, {@code ora://} or {@code jdbc:} URL
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
            throw new IllegalArgumentException("not a connection URL (expected postgres://user@host:port/database,"
                    + " mysql://user@host:port/database, oracle://user@host:port/service or jdbc:…): " + mask(s));
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = s.substring(colon + 3);
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
                    default -> params.put(name, value);
                }
            }
        }
        return switch (scheme) {
            case "postgres", "postgresql", "pg", "pgx" -> postgres(rest, path, user, password, params);
            case "mysql" -> mysql(rest, path, user, password, params);
            case "ora", "oracle" -> oracle(rest, path, user, password, params);
            default -> throw new IllegalArgumentException("unsupported connection URL scheme \"" + scheme
                    + "\"; expected postgres://, postgresql://, pg://, mysql://, oracle:// or jdbc:");
        };
    }

    private static Jdbc postgres(String hosts, String path, String user, String password, Map<String, String> params) {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "application_name" -> renamed.put("ApplicationName", e.getValue());
                case "connect_timeout" -> renamed.put("connectTimeout", e.getValue());
                default -> renamed.put(e.getKey(), e.getValue());
            }
        }
        String database = decode(path);
        if (database.isEmpty()) {
            database = user != null ? user : "postgres";
        }
        return new Jdbc("jdbc:postgresql://" + hostList(hosts, 5432) + "/" + encode(database) + query(renamed), user,
                password);
    }

    private static Jdbc mysql(String host, String path, String user, String password, Map<String, String> params) {
        String h = host;
        if (h.regionMatches(true, 0, "tcp(", 0, 4) && h.endsWith(")")) {
            h = h.substring(4, h.length() - 1);
        } else if (h.indexOf('(') >= 0) {
            throw new IllegalArgumentException("unsupported MySQL address \"" + h + "\"; use host:port or tcp(host:port)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        String rootCert = null;
        String cert = null;
        String key = null;
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "sslmode" -> {
                    String mode = MYSQL_SSL_MODES.get(e.getValue().toLowerCase(Locale.ROOT));
                    if (mode == null) {
                        throw new IllegalArgumentException("unknown sslmode \"" + e.getValue() + "\"; expected one of "
                                + new java.util.TreeSet<>(MYSQL_SSL_MODES.keySet()));
                    }
                    out.put("sslMode", mode);
                }
                case "sslrootcert" -> rootCert = e.getValue();
                case "sslcert" -> cert = e.getValue();
                case "sslkey" -> key = e.getValue();
                default -> out.put(e.getKey(), e.getValue());
            }
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("sslcert and sslkey go together; got only " + (cert == null ? "sslkey" : "sslcert"));
        }
        Pem pem = rootCert == null && cert == null ? null : new Pem(rootCert, cert, key);
        String database = decode(path);
        return new Jdbc("jdbc:mysql://" + hostList(h.isEmpty() ? "localhost" : h, 3306) + "/" + encode(database)
                + query(out), user, password, Map.of(), pem);
    }

    private static Jdbc oracle(String host, String path, String user, String password, Map<String, String> params) {
        String service = decode(path);
        if (service.isEmpty()) {
            throw new IllegalArgumentException("an oracle:// URL needs a service name: oracle://user:password@host:1521/SERVICE");
        }
        if (host.indexOf(',') >= 0) {
            throw new IllegalArgumentException("oracle:// URLs take one host; pass a jdbc:oracle:thin:@(DESCRIPTION=…) URL for more");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        String protocol = "//";
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "sslmode" -> {
                    switch (e.getValue().toLowerCase(Locale.ROOT)) {
                        case "disable", "allow", "prefer" -> protocol = "//";
                        case "require", "verify-ca" -> protocol = "tcps://";
                        case "verify-full" -> {
                            protocol = "tcps://";
                            properties.put("oracle.net.ssl_server_dn_match", "true");
                        }
                        default -> throw new IllegalArgumentException("unknown sslmode \"" + e.getValue() + "\"");
                    }
                }
                case "sslrootcert", "sslcert", "sslkey" -> throw new IllegalArgumentException(e.getKey()
                        + " is not mapped for Oracle; put the certificates in a wallet and pass a jdbc:oracle:thin URL"
                        + " with oracle.net.wallet_location");
                default -> properties.put(e.getKey(), e.getValue());
            }
        }
        return new Jdbc("jdbc:oracle:thin:@" + protocol + withPort(host.isEmpty() ? "localhost" : host, 1521) + "/" + service,
                user, password, properties, null);
    }

    private static String hostList(String hosts, int defaultPort) {
        StringBuilder hostList = new StringBuilder();
        for (String host : (hosts.isEmpty() ? "localhost" : hosts).split(",")) {
            if (hostList.length() > 0) {
                hostList.append(',');
            }
            hostList.append(withPort(host, defaultPort));
        }
        return hostList.toString();
    }

    private static String query(Map<String, String> params) {
        StringBuilder url = new StringBuilder();
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            url.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return url.toString();
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
        // Oracle's thin form: jdbc:oracle:thin:user/password@//host:1521/service
        s = s.replaceAll("(?i)(:thin:[^/@:]*/)[^@]*@", "$1****@");
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            return s;
        }
        // user:password@ before the host; the password may itself hold '/', '?' or ':' (over-masking a query
        // that holds '@' after a port is the safe side)
        int at = s.indexOf('@', scheme + 3);
        if (at > scheme) {
            int colon = s.indexOf(':', scheme + 3);
            if (colon >= 0 && colon < at) {
                return s.substring(0, colon + 1) + "****" + s.substring(at);
            }
        }
        return s;
    }

    private static String withPort(String host, int defaultPort) {
        if (host.indexOf(':') != host.lastIndexOf(':') && !host.startsWith("[")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: [" + host + "]");
        }
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
