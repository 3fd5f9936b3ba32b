package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

/**
 * Where /metrics is served: HOST:PORT, [IPv6]:PORT, or :PORT for every interface (as
 * node_exporter's --web.listen-address reads it).
 *
 * @param host the address or name to bind, or null for every interface
 */
public record MetricsAddress(String host, int port) {

    private static final String HINT = "give --metrics-address HOST:PORT (e.g. 127.0.0.1:9187), or :PORT for every interface";

    public static MetricsAddress parse(String text) {
        String value = text == null ? "" : text.strip();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw bad(value, "no port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw bad(value, "an IPv6 address must be in brackets");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw bad(value, "the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw bad(value, "the port must be 1-65535");
        }
        return new MetricsAddress(host.isEmpty() ? null : host, port);
    }

    private static LifeboatException bad(String value, String why) {
        return new LifeboatException(ErrorCode.USAGE, "--metrics-address '" + value + "': " + why, HINT);
    }

    @Override
    public String toString() {
        return (host == null ? "" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
