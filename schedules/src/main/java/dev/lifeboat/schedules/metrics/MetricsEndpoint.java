package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * /metrics over HTTP, served by the client library's own server. Started before any work, so that
 * an address in use ends the process at once with one line, not after a job ran unobserved.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * @throws LifeboatException {@link ErrorCode#CONFIG} when the address is in use, unknown or not this host's
     */
    public static MetricsEndpoint start(MetricsAddress address, PrometheusRegistry registry) {
        try {
            HTTPServer.Builder builder = HTTPServer.builder().port(address.port()).registry(registry);
            if (address.host() != null) {
                builder.inetAddress(InetAddress.getByName(address.host()));
            }
            return new MetricsEndpoint(builder.buildAndStart());
        } catch (BindException e) {
            throw new LifeboatException(ErrorCode.CONFIG, "cannot serve metrics on " + address + ": "
                    + (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use")
                    ? "the address is in use" : "cannot bind it (" + e.getMessage() + ")"),
                    "choose another --metrics-address, or stop the process that holds it (e.g. ss -ltnp)");
        } catch (UnknownHostException e) {
            throw new LifeboatException(ErrorCode.CONFIG, "cannot serve metrics on " + address + ": unknown host " + address.host(),
                    "give an address of this host, e.g. 127.0.0.1:" + address.port() + " or :" + address.port());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.CONFIG, "cannot serve metrics on " + address + ": " + e.getMessage(),
                    "choose another --metrics-address");
        }
    }

    /** The port it listens on (the one given). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
