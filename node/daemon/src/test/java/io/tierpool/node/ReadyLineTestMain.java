/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child process for {@link NodeProcessTest}. First argument is the mode:
 * <ul>
 *     <li>{@code ready <markerFile>}: print some lines and a ready line, write {@code <markerFile>} on SIGTERM, run
 *     until stopped;</li>
 *     <li>{@code exit <status>}: print a few lines, then exit with the status;</li>
 *     <li>{@code silent}: print a line, then run without ever printing a ready line;</li>
 *     <li>{@code stubborn}: print a ready line, then ignore SIGTERM by blocking in a shutdown hook.</li>
 * </ul>
 */
final class ReadyLineTestMain
{
    private ReadyLineTestMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "ready":
            {
                final Path marker = Paths.get(args[1]);
                Runtime.getRuntime().addShutdownHook(new Thread(() ->
                {
                    try
                    {
                        Files.writeString(marker, "stopped gracefully");
                    }
                    catch (final Exception ex)
                    {
                        ex.printStackTrace();
                    }
                }));
                System.out.println("starting up");
                System.err.println("a line on standard error");
                Files.writeString(Paths.get(System.getProperty("java.io.tmpdir"), "scratch.bin"), "temporary");
                System.out.println(NodeProcess.formatReadyLine(info()));
                Thread.sleep(Long.MAX_VALUE);
                break;
            }

            case "exit":
            {
                for (int i = 0; i < 50; i++)
                {
                    System.out.println("line " + i);
                }
                System.err.println("boom: the node could not start");
                System.exit(Integer.parseInt(args[1]));
                break;
            }

            case "silent":
            {
                System.out.println("thinking");
                Thread.sleep(Long.MAX_VALUE);
                break;
            }

            case "stubborn":
            {
                Runtime.getRuntime().addShutdownHook(new Thread(() ->
                {
                    try
                    {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    catch (final InterruptedException ignore)
                    {
                        // Killed.
                    }
                }));
                System.out.println(NodeProcess.formatReadyLine(Map.of("name", "stubborn", "endpoint", "h:1")));
                Thread.sleep(Long.MAX_VALUE);
                break;
            }

            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static Map<String, String> info()
    {
        final Map<String, String> info = new LinkedHashMap<>();
        info.put("name", "node-7");
        info.put("endpoint", "127.0.0.1:40501");
        info.put("preferIPv4Stack", System.getProperty("java.net.preferIPv4Stack"));
        info.put("maxHeapMiB", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        info.put("tmpdir", System.getProperty("java.io.tmpdir"));
        info.put("extra", System.getProperty("tierpool.test.extra", "unset"));
        final String prefixed = System.getenv("TIERPOOL_TEST_PREFIXED");
        info.put("prefixed", null == prefixed || prefixed.isEmpty() ? "unset" : prefixed);
        return info;
    }
}
