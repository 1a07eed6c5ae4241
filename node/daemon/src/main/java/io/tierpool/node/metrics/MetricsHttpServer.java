/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tierpool.client.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP endpoint of a node's metrics, on the JDK's built-in HTTP server with one worker thread:
 * <ul>
 *     <li>{@code GET /metrics}: every meter of a {@link NodeMetrics} in the Prometheus text format
 *     ({@value #METRICS_CONTENT_TYPE}), for Prometheus to scrape;</li>
 *     <li>{@code GET /stats}: the node's {@link NodeStatsReport} as JSON ({@value #STATS_CONTENT_TYPE});</li>
 *     <li>any other path: 404; any other method on those paths: 405 with {@code Allow: GET}; a failure while
 *     rendering: 500 with the error's message.</li>
 * </ul>
 * Requests are served one at a time. {@link #start(Context)} binds the port before it returns; {@link #close()}
 * stops listening and ends the worker thread. The {@link NodeMetrics} stays owned by the caller. Thread-safe;
 * idempotent close.
 * <pre>{@code
 * try (MetricsHttpServer http = MetricsHttpServer.start(new MetricsHttpServer.Context()
 *     .host("127.0.0.1").port(0).metrics(metrics)))
 * {
 *     String url = "http://" + http.endpoint() + MetricsHttpServer.METRICS_PATH;
 * }
 * }</pre>
 */
public final class MetricsHttpServer implements AutoCloseable
{
    /** Path of the Prometheus exposition. */
    public static final String METRICS_PATH = "/metrics";

    /** Path of the JSON statistics. */
    public static final String STATS_PATH = "/stats";

    /** Content type of {@value #METRICS_PATH}: the Prometheus text exposition format 0.0.4. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Content type of {@value #STATS_PATH}. */
    public static final String STATS_CONTENT_TYPE = "application/json";

    /** Connections the listening socket queues while the worker is busy. */
    public static final int BACKLOG = 16;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
    private static final long STOP_WAIT_MS = 5_000;

    private final Context ctx;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String endpoint;
    private boolean closed;

    private MetricsHttpServer(final Context ctx, final HttpServer server, final ExecutorService executor)
    {
        this.ctx = ctx;
        this.server = server;
        this.executor = executor;
        this.endpoint = ctx.host() + ":" + server.getAddress().getPort();
    }

    /**
     * Binds {@code host:port} and starts serving.
     *
     * @param ctx the settings; concluded here.
     * @return the running server, to be closed by the caller.
     * @throws ConfigurationException if a setting is invalid, or the address cannot be bound (port in use, host
     *                                not an address of this machine); the message names the address.
     */
    public static MetricsHttpServer start(final Context ctx)
    {
        ctx.conclude();
        final InetSocketAddress address = new InetSocketAddress(ctx.host(), ctx.port());
        if (address.isUnresolved())
        {
            throw new ConfigurationException("metrics host '" + ctx.host() + "' of node " +
                ctx.metrics().context().nodeName() + " does not resolve: give an address of this machine");
        }

        final HttpServer server;
        try
        {
            server = HttpServer.create(address, BACKLOG);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("node " + ctx.metrics().context().nodeName() + " cannot serve metrics on " +
                ctx.host() + ":" + ctx.port() + " (" + ex.getMessage() + "): choose another metrics.port " +
                "(--metrics-port, TIERPOOL_METRICS_PORT), 0 for any free port, or -1 to disable metrics");
        }

        final String threadName = "tierpool-metrics-" + ctx.metrics().context().nodeName();
        final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        final MetricsHttpServer http = new MetricsHttpServer(ctx, server, executor);
        server.createContext("/", http::handle);
        server.setExecutor(executor);
        server.start();

        return http;
    }

    /**
     * @return where the server listens, {@code host:port}, with the port it bound (the one chosen when
     * {@link Context#port(int)} was 0).
     */
    public String endpoint()
    {
        return endpoint;
    }

    /**
     * @return the port the server bound.
     */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /**
     * @return the settings, concluded.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Stops listening, drops open connections and ends the worker thread. Idempotent.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }

        server.stop(0);
        executor.shutdownNow();
        try
        {
            if (!executor.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                LOG.warn("metrics server {} worker did not stop within {} ms", endpoint, STOP_WAIT_MS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "MetricsHttpServer{endpoint=" + endpoint + ", node=" + ctx.metrics().context().nodeName() + '}';
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try
        {
            final String path = exchange.getRequestURI().getPath();
            final boolean metricsPath = METRICS_PATH.equals(path);
            if (!metricsPath && !STATS_PATH.equals(path))
            {
                respond(exchange, 404, TEXT_CONTENT_TYPE,
                    "no such path: " + path + "; this node serves " + METRICS_PATH + " and " + STATS_PATH + "\n");
                return;
            }

            final String method = exchange.getRequestMethod();
            if (!"GET".equals(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, TEXT_CONTENT_TYPE, "method " + method + " not allowed on " + path + "; use GET\n");
                return;
            }

            final String body;
            try
            {
                body = metricsPath ? ctx.metrics().scrape() : ctx.metrics().report().toJson();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("metrics server {} failed to render {}", endpoint, path, ex);
                respond(exchange, 500, TEXT_CONTENT_TYPE, "node " + ctx.metrics().context().nodeName() +
                    " failed to render " + path + ": " + ex + "\n");
                return;
            }
            respond(exchange, 200, metricsPath ? METRICS_CONTENT_TYPE : STATS_CONTENT_TYPE, body);
        }
        finally
        {
            exchange.close();
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final String contentType, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    /**
     * Settings of a {@link MetricsHttpServer}. Not thread-safe; concluded by {@link MetricsHttpServer#start}.
     */
    public static final class Context
    {
        private String host = "127.0.0.1";
        private int port = -1;
        private NodeMetrics metrics;

        /**
         * Checks every setting.
         *
         * @return this, for chaining.
         * @throws ConfigurationException naming the first missing or invalid setting and its value.
         */
        public Context conclude()
        {
            if (null == metrics || metrics.isClosed())
            {
                throw new ConfigurationException("MetricsHttpServer needs open NodeMetrics, was " + metrics);
            }
            if (null == host || host.isBlank())
            {
                throw new ConfigurationException("metrics host of node " + metrics.context().nodeName() +
                    " must be set, was '" + host + "'");
            }
            if (port < 0 || port > 65535)
            {
                throw new ConfigurationException("metrics.port of node " + metrics.context().nodeName() + " must be " +
                    "0 (any free port) to 65535, or -1 to disable metrics, was " + port);
            }
            return this;
        }

        /**
         * @param host the address to listen on, for example {@code 127.0.0.1} or {@code 0.0.0.0}; default
         *             {@code 127.0.0.1}.
         * @return this, for chaining.
         */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /**
         * @return the address to listen on.
         */
        public String host()
        {
            return host;
        }

        /**
         * @param port the TCP port, 1 to 65535, or 0 for any free port; required.
         * @return this, for chaining.
         */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /**
         * @return the TCP port, 0 for any free port.
         */
        public int port()
        {
            return port;
        }

        /**
         * @param metrics the node's metrics to serve; owned by the caller, who closes it after the server; required.
         * @return this, for chaining.
         */
        public Context metrics(final NodeMetrics metrics)
        {
            this.metrics = metrics;
            return this;
        }

        /**
         * @return the node's metrics.
         */
        public NodeMetrics metrics()
        {
            return metrics;
        }
    }
}
