/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/**
 * A cache's configuration as JMX shows it: registered as
 * {@code javax.cache:type=CacheConfiguration,CacheManager=<uri>,Cache=<name>} while management is enabled.
 * <p>
 * <b>Threads.</b> Thread-safe: reads the cache's live configuration.
 */
final class CacheConfigurationBean implements CacheMXBean
{
    private final CompleteConfiguration<?, ?> configuration;

    CacheConfigurationBean(final CompleteConfiguration<?, ?> configuration)
    {
        this.configuration = configuration;
    }

    public String getKeyType()
    {
        return configuration.getKeyType().getName();
    }

    public String getValueType()
    {
        return configuration.getValueType().getName();
    }

    public boolean isReadThrough()
    {
        return configuration.isReadThrough();
    }

    public boolean isWriteThrough()
    {
        return configuration.isWriteThrough();
    }

    public boolean isStoreByValue()
    {
        return configuration.isStoreByValue();
    }

    public boolean isStatisticsEnabled()
    {
        return configuration.isStatisticsEnabled();
    }

    public boolean isManagementEnabled()
    {
        return configuration.isManagementEnabled();
    }
}
