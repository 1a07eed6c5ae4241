/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.tierpool.client.ConfigurationException;

/**
 * Checks {@code host:port} endpoints and turns them into Aeron UDP channel URIs.
 */
final class Endpoints
{
    private Endpoints()
    {
    }

    /**
     * @param propName name of the setting, for the message.
     * @param endpoint a {@code host:port} string, IPv4 address or host name, port 0..65535.
     * @return the endpoint, trimmed.
     * @throws ConfigurationException naming the setting and the value when it is not a {@code host:port}.
     */
    static String validate(final String propName, final String endpoint)
    {
        if (null == endpoint || endpoint.isBlank())
        {
            throw new ConfigurationException(propName + " is not set: give a host:port such as 127.0.0.1:40100");
        }

        final String trimmed = endpoint.trim();
        final int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1)
        {
            throw new ConfigurationException(
                propName + "=" + endpoint + " is not a host:port such as 127.0.0.1:40100");
        }

        final int port = parsePort(trimmed.substring(colon + 1));
        if (port < 0 || port > 65535)
        {
            throw new ConfigurationException(
                propName + "=" + endpoint + " has no valid port: use 0..65535 (0 picks a free port)");
        }

        return trimmed;
    }

    /**
     * @param endpoint a {@code host:port} string.
     * @return the port, or -1 when it is not a number.
     */
    static int port(final String endpoint)
    {
        return parsePort(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /**
     * @param endpoint a {@code host:port} string.
     * @return the host part.
     */
    static String host(final String endpoint)
    {
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    /**
     * @param endpoint a {@code host:port} string.
     * @return the Aeron UDP channel URI for it.
     */
    static String udpChannel(final String endpoint)
    {
        return "aeron:udp?endpoint=" + endpoint;
    }

    private static int parsePort(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
