/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.gpu;

import io.tierpool.client.GpuInfo;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.Hint;
import io.tierpool.node.NodeDaemon;
import io.tierpool.node.NodeDaemonCommand;
import io.tierpool.node.config.ConfigKey;
import io.tierpool.node.config.NodeConfiguration;
import io.tierpool.client.TierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU settings of a node, and the rule that classes used on a node's normal paths never reference JCuda (so
 * a node without CUDA never loads it): checked in their class files.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GpuConfigurationTest
{
    @Test
    void shouldEnableTheGpuWithAFifthHeldBackByDefault()
    {
        final NodeConfiguration config = NodeDaemonCommand.parse(Map.of()).configuration();
        assertTrue(config.gpuEnabled());
        assertEquals(DevicePool.Context.MEMORY_FRACTION_DEFAULT, config.gpuPoolFraction());
    }

    @Test
    void shouldTakeTheGpuSettingsFromFlagsAndEnvironment()
    {
        assertFalse(NodeDaemonCommand.parse(Map.of(), "--gpu-enabled", "false").configuration().gpuEnabled());
        assertFalse(NodeDaemonCommand.parse(Map.of("TIERPOOL_GPU_ENABLED", "FALSE")).configuration().gpuEnabled());
        assertEquals(0.5, NodeDaemonCommand.parse(Map.of(), "--gpu-pool-fraction", "0.5").configuration()
            .gpuPoolFraction());
    }

    @Test
    void shouldRejectBadGpuSettingsSayingWhatIsAccepted()
    {
        final ConfigurationException notBoolean = assertThrows(ConfigurationException.class,
            () -> NodeDaemonCommand.parse(Map.of(), "--gpu-enabled", "maybe").configuration());
        assertTrue(notBoolean.getMessage().contains("gpu.enabled = 'maybe'"), notBoolean.getMessage());
        assertTrue(notBoolean.getMessage().contains("true or false"), notBoolean.getMessage());

        for (final String fraction : List.of("0", "1.5", "-0.2"))
        {
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> NodeDaemonCommand.parse(Map.of(), "--gpu-pool-fraction", fraction).configuration());
            assertTrue(ex.getMessage().contains(ConfigKey.GPU_POOL_FRACTION.key()), ex.getMessage());
            assertTrue(ex.getMessage().contains("fraction of the GPU's memory"), ex.getMessage());
        }
    }

    @Test
    void shouldKeepJCudaOutOfClassesANodeLoadsWithoutAGpu() throws IOException
    {
        for (final Class<?> type : List.of(GpuProbe.class, GpuInfo.class, DevicePool.class, DevicePool.Stats.class,
            DeviceMemory.class, DeviceOutOfMemoryException.class, CudaException.class, NodeDaemon.class,
            TierKind.class, Hint.class, ConfigKey.class, NodeConfiguration.class))
        {
            assertFalse(classFileText(type).contains("jcuda/"), type.getName() + " must not reference JCuda");
        }
        assertTrue(classFileText(CudaRuntimeProbe.class).contains("jcuda/"), "the check can see a reference");
    }

    private static String classFileText(final Class<?> type) throws IOException
    {
        final String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource))
        {
            assertNotNull(in, resource);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
