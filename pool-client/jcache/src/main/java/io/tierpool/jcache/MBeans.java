/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.CacheException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;

/**
 * Registers caches' MXBeans in the platform MBean server under the names JSR-107 gives them:
 * {@code javax.cache:type=<CacheConfiguration|CacheStatistics>,CacheManager=<uri>,Cache=<name>}, with
 * {@code : = , \n} in the URI and name replaced by {@code .}.
 * <p>
 * <b>Threads.</b> Thread-safe (the MBean server is).
 */
final class MBeans
{
    static final String CONFIGURATION = "CacheConfiguration";
    static final String STATISTICS = "CacheStatistics";

    private MBeans()
    {
    }

    static ObjectName name(final String type, final URI managerUri, final String cacheName)
    {
        try
        {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + safe(managerUri.toString()) +
                ",Cache=" + safe(cacheName));
        }
        catch (final MalformedObjectNameException ex)
        {
            throw new CacheException("no valid JMX name for cache " + cacheName + " of " + managerUri, ex);
        }
    }

    /**
     * Registers {@code bean} under {@code name} unless a bean is registered there already.
     */
    static void register(final ObjectName name, final Object bean)
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try
        {
            if (!server.isRegistered(name))
            {
                server.registerMBean(bean, name);
            }
        }
        catch (final JMException ex)
        {
            throw new CacheException("cannot register MBean " + name + ": " + ex, ex);
        }
    }

    /**
     * Unregisters the bean under {@code name}, if any.
     */
    static void unregister(final ObjectName name)
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try
        {
            if (server.isRegistered(name))
            {
                server.unregisterMBean(name);
            }
        }
        catch (final InstanceNotFoundException ex)
        {
            // unregistered concurrently: nothing left to do
        }
        catch (final JMException ex)
        {
            throw new CacheException("cannot unregister MBean " + name + ": " + ex, ex);
        }
    }

    private static String safe(final String text)
    {
        return text == null ? "" : text.replaceAll(":|=|\n|,", ".");
    }
}
