/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.cluster;

import io.tierpool.client.ClusterUnavailableException;

import org.apache.ignite.IgniteLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ignite logger that passes Ignite's warnings and errors to SLF4J under Ignite's own logger names, and its info,
 * debug and trace messages only when verbose logging is on (and SLF4J enables that level).
 * <p>
 * It never reports itself as quiet, so Ignite does not print its own lines to standard output; with verbose logging
 * off, Ignite's start-up banner and topology snapshots are dropped while real problems still show. Three kinds of
 * message are noise for a membership-only node and are demoted to debug level:
 * <ul>
 *     <li>{@code GridDiagnostic}'s host advice (heap below 512 MB, loopback host name), which sizes Ignite for data
 *     storage that TierPool does not use;</li>
 *     <li>a client's "Received state finish message with unexpected ID", harmless after joining;</li>
 *     <li>the errors Ignite logs when a client's join times out: the same failure reaches the caller as a
 *     {@link ClusterUnavailableException} with a message that says what to do.</li>
 * </ul>
 */
final class IgniteSlf4jLogger implements IgniteLogger
{
    private static final String DIAGNOSTIC_CATEGORY = "org.apache.ignite.internal.GridDiagnostic";
    private static final String UNEXPECTED_STATE_MESSAGE = "Received state finish message with unexpected ID";
    private static final String JOIN_TIMED_OUT_MESSAGE = "Join process timed out";

    private final Logger logger;
    private final boolean verbose;
    private final boolean diagnostic;

    IgniteSlf4jLogger(final boolean verbose)
    {
        this(LoggerFactory.getLogger("org.apache.ignite"), verbose);
    }

    private IgniteSlf4jLogger(final Logger logger, final boolean verbose)
    {
        this.logger = logger;
        this.verbose = verbose;
        this.diagnostic = DIAGNOSTIC_CATEGORY.equals(logger.getName());
    }

    public IgniteLogger getLogger(final Object category)
    {
        final String name;
        if (null == category)
        {
            name = "org.apache.ignite";
        }
        else if (category instanceof Class)
        {
            name = ((Class<?>)category).getName();
        }
        else if (category instanceof String)
        {
            name = (String)category;
        }
        else
        {
            name = category.getClass().getName();
        }

        return new IgniteSlf4jLogger(LoggerFactory.getLogger(name), verbose);
    }

    public void trace(final String msg)
    {
        if (isTraceEnabled())
        {
            logger.trace(msg);
        }
    }

    public void debug(final String msg)
    {
        if (isDebugEnabled())
        {
            logger.debug(msg);
        }
    }

    public void info(final String msg)
    {
        if (isInfoEnabled())
        {
            logger.info(msg);
        }
    }

    public void warning(final String msg, final Throwable error)
    {
        if (diagnostic || (null != msg && msg.startsWith(UNEXPECTED_STATE_MESSAGE)))
        {
            demote(msg, error);
        }
        else
        {
            logger.warn(msg, error);
            MembershipSecurity.onIgniteWarning(msg);
        }
    }

    public void error(final String msg, final Throwable error)
    {
        if (isJoinTimeout(error))
        {
            demote(msg, error);
        }
        else
        {
            logger.error(msg, error);
        }
    }

    private void demote(final String msg, final Throwable error)
    {
        if (isDebugEnabled())
        {
            logger.debug(msg, error);
        }
    }

    private static boolean isJoinTimeout(final Throwable error)
    {
        int depth = 0;
        for (Throwable cause = error; null != cause && depth < 16; cause = cause.getCause(), depth++)
        {
            final String message = cause.getMessage();
            if (null != message && message.startsWith(JOIN_TIMED_OUT_MESSAGE))
            {
                return true;
            }
        }

        return false;
    }

    public boolean isTraceEnabled()
    {
        return verbose && logger.isTraceEnabled();
    }

    public boolean isDebugEnabled()
    {
        return verbose && logger.isDebugEnabled();
    }

    public boolean isInfoEnabled()
    {
        return verbose && logger.isInfoEnabled();
    }

    public boolean isQuiet()
    {
        return false;
    }

    public String fileName()
    {
        return null;
    }
}
