/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPool;
import org.agrona.SystemUtil;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * The properties a {@link TierPoolCachingProvider} opens each cache manager's {@link TierPool} with. They come from
 * the properties given to {@code getCacheManager(uri, classLoader, properties)}, over the query of the URI
 * ({@code tierpool://cluster?tierpool.nodes=10.0.0.1:40501,10.0.0.2:40501&tierpool.ram=256m}), over the JVM's
 * system properties of the same names, over the defaults below. Sizes take {@code k/m/g} suffixes.
 * <pre>
 *   tierpool.nodes        node daemons' Aeron endpoints, host:port,...   default: none (local tiers only)
 *   tierpool.awaitNodes   live nodes to wait for at open                 default: 1 with nodes, else 0
 *   tierpool.host         this host's address the daemons answer to     default: the client's default
 *   tierpool.ram          RAM tier capacity                              default: 64m
 *   tierpool.vvram        VVRAM tier (tmpfs files) capacity, 0 = none    default: 0
 *   tierpool.vssd         VSSD tier (local spill file) capacity, 0 = none default: 256m
 *   tierpool.baseDir      directory for the pool's files                 default: the pool's defaults
 *   tierpool.vvramDir     directory of the VVRAM files (a tmpfs)         default: under baseDir, else /dev/shm
 *   tierpool.vssdDir      directory of the VSSD spill file               default: under baseDir, else java.io.tmpdir
 *   tierpool.maxBlock     largest value in bytes (one block per value)   default: the pool's default
 * </pre>
 * <b>Threads.</b> Static methods, thread-safe.
 */
public final class JCacheConfiguration
{
    /** Node daemons' Aeron endpoints, comma separated; none for a local-only pool. */
    public static final String NODES_PROP_NAME = "tierpool.nodes";
    /** How many live node daemons to wait for when the pool opens. */
    public static final String AWAIT_NODES_PROP_NAME = "tierpool.awaitNodes";
    /** The address of this host that node daemons answer to. */
    public static final String HOST_PROP_NAME = "tierpool.host";
    /** RAM tier capacity in bytes. */
    public static final String RAM_PROP_NAME = "tierpool.ram";
    /** Default RAM tier capacity: 64 MiB. */
    public static final long RAM_DEFAULT = 64L << 20;
    /** VVRAM tier capacity in bytes, 0 for none. */
    public static final String VVRAM_PROP_NAME = "tierpool.vvram";
    /** Default VVRAM capacity: none (no files on tmpfs unless asked). */
    public static final long VVRAM_DEFAULT = 0;
    /** VSSD tier capacity in bytes, 0 for none. */
    public static final String VSSD_PROP_NAME = "tierpool.vssd";
    /** Default VSSD capacity: 256 MiB, in a spill file removed when the cache manager closes. */
    public static final long VSSD_DEFAULT = 256L << 20;
    /** Directory for the pool's files. */
    public static final String BASE_DIR_PROP_NAME = "tierpool.baseDir";
    /** Directory of the VVRAM tier's files. */
    public static final String VVRAM_DIR_PROP_NAME = "tierpool.vvramDir";
    /** Directory of the VSSD tier's spill file. */
    public static final String VSSD_DIR_PROP_NAME = "tierpool.vssdDir";
    /** Largest block, so largest serialized value, in bytes. */
    public static final String MAX_BLOCK_PROP_NAME = "tierpool.maxBlock";

    private static final String[] NAMES = {NODES_PROP_NAME, AWAIT_NODES_PROP_NAME, HOST_PROP_NAME, RAM_PROP_NAME,
        VVRAM_PROP_NAME, VSSD_PROP_NAME, BASE_DIR_PROP_NAME, VVRAM_DIR_PROP_NAME, VSSD_DIR_PROP_NAME, MAX_BLOCK_PROP_NAME};

    private JCacheConfiguration()
    {
    }

    /**
     * @param uri        the cache manager's URI; its query may hold properties.
     * @param properties properties given by the application; may be null.
     * @return the effective properties: those given, over the URI's, over system properties.
     */
    public static Properties effective(final URI uri, final Properties properties)
    {
        final Properties result = new Properties();
        for (final String name : NAMES)
        {
            final String value = System.getProperty(name);
            if (value != null)
            {
                result.setProperty(name, value);
            }
        }
        final String query = uri.getRawQuery();
        if (query != null)
        {
            for (final String pair : query.split("&"))
            {
                final int eq = pair.indexOf('=');
                if (eq > 0)
                {
                    result.setProperty(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        if (properties != null)
        {
            for (final String name : properties.stringPropertyNames())
            {
                result.setProperty(name, properties.getProperty(name));
            }
        }
        return result;
    }

    /**
     * @param properties the effective properties ({@link #effective}).
     * @return a pool context with the tiers and nodes they name.
     * @throws ConfigurationException if a value cannot be parsed; the message names the property and value.
     */
    public static TierPool.Context poolContext(final Properties properties)
    {
        final TierPool.Context ctx = new TierPool.Context()
            .ramCapacityBytes(size(properties, RAM_PROP_NAME, RAM_DEFAULT))
            .vvramCapacityBytes(size(properties, VVRAM_PROP_NAME, VVRAM_DEFAULT))
            .vssdCapacityBytes(size(properties, VSSD_PROP_NAME, VSSD_DEFAULT));
        final String nodes = properties.getProperty(NODES_PROP_NAME, "").trim();
        if (!nodes.isEmpty())
        {
            ctx.nodes(nodes.split("\\s*,\\s*"));
            ctx.awaitNodes((int)number(properties, AWAIT_NODES_PROP_NAME, 1));
        }
        final String host = properties.getProperty(HOST_PROP_NAME);
        if (host != null)
        {
            ctx.host(host.trim());
        }
        final String baseDir = properties.getProperty(BASE_DIR_PROP_NAME);
        if (baseDir != null)
        {
            ctx.baseDir(Paths.get(baseDir.trim()));
        }
        final String vvramDir = properties.getProperty(VVRAM_DIR_PROP_NAME);
        if (vvramDir != null)
        {
            ctx.vvramDir(Paths.get(vvramDir.trim()));
        }
        final String vssdDir = properties.getProperty(VSSD_DIR_PROP_NAME);
        if (vssdDir != null)
        {
            ctx.vssdDir(Paths.get(vssdDir.trim()));
        }
        if (properties.getProperty(MAX_BLOCK_PROP_NAME) != null)
        {
            ctx.maxBlockBytes(size(properties, MAX_BLOCK_PROP_NAME, 0));
        }
        return ctx;
    }

    private static long size(final Properties properties, final String name, final long defaultValue)
    {
        final String value = properties.getProperty(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return SystemUtil.parseSize(name, value.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigurationException("JCache property " + name + "=" + value +
                " is not a size (bytes, with an optional k, m or g suffix)");
        }
    }

    private static long number(final Properties properties, final String name, final long defaultValue)
    {
        final String value = properties.getProperty(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException("JCache property " + name + "=" + value + " is not a whole number");
        }
    }

    private static String decode(final String text)
    {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
