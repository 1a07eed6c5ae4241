/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.jcache;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPool;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JCacheConfigurationTest
{
    @Test
    void shouldTakeGivenPropertiesOverTheUriQuery()
    {
        final Properties given = new Properties();
        given.setProperty(JCacheConfiguration.RAM_PROP_NAME, "8m");
        final Properties effective = JCacheConfiguration.effective(
            URI.create("tierpool://x?tierpool.ram=128m&tierpool.nodes=10.0.0.1:40501,10.0.0.2:40501"), given);
        assertEquals("8m", effective.getProperty(JCacheConfiguration.RAM_PROP_NAME));
        assertEquals("10.0.0.1:40501,10.0.0.2:40501", effective.getProperty(JCacheConfiguration.NODES_PROP_NAME));
    }

    @Test
    void shouldBuildAPoolContextWithTheNamedTiersAndNodes()
    {
        final Properties properties = new Properties();
        properties.setProperty(JCacheConfiguration.NODES_PROP_NAME, "10.0.0.1:40501, 10.0.0.2:40501");
        properties.setProperty(JCacheConfiguration.AWAIT_NODES_PROP_NAME, "2");
        final TierPool.Context ctx = JCacheConfiguration.poolContext(properties);
        assertEquals(List.of("10.0.0.1:40501", "10.0.0.2:40501"), ctx.nodes());
        assertEquals(JCacheConfiguration.RAM_DEFAULT, ctx.storeContext().ramCapacityBytes());
        assertEquals(JCacheConfiguration.VVRAM_DEFAULT, ctx.storeContext().vvramCapacityBytes());
        assertEquals(JCacheConfiguration.VSSD_DEFAULT, ctx.storeContext().vssdCapacityBytes());
        assertTrue(JCacheConfiguration.poolContext(new Properties()).nodes().isEmpty(), "local-only by default");
    }

    @Test
    void shouldNameThePropertyAndValueThatIsNotASize()
    {
        final Properties properties = new Properties();
        properties.setProperty(JCacheConfiguration.VSSD_PROP_NAME, "lots");
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> JCacheConfiguration.poolContext(properties));
        assertTrue(ex.getMessage().contains("tierpool.vssd=lots"), ex.getMessage());
    }
}
