package dev.failback.examples.cli;

import picocli.CommandLine;

/**
 * A listen address as MOLT's {@code --bindAddr} takes it: {@code host:port}, {@code :port} for all
 * interfaces, {@code [::1]:port} for IPv6. Immutable.
 *
 * @param host the host, empty for all interfaces
 * @param port the port, 0 to 65535
 */
public record BindAddress(String host, int port) {

    /**
     * Parses an address.
     *
     * @param text the text
     * @return the address
     * @throws IllegalArgumentException when the text is not {@code [host]:port}
     */
    public static BindAddress parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid address \"" + text + "\" (expected host:port or :port)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("invalid address \"" + text + "\" (write IPv6 hosts as [::1]:port)");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in address \"" + text + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 in address \"" + text + "\"");
        }
        return new BindAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The picocli converter. */
    public static final class Converter implements CommandLine.ITypeConverter<BindAddress> {
        @Override
        public BindAddress convert(String value) {
            return parse(value);
        }
    }
}
