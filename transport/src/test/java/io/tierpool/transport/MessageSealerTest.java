/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.tierpool.transport.codecs.MessageHeaderEncoder;
import io.tierpool.transport.codecs.PutRequestEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sealer over a real Aeron IPC stream: what goes on the wire is ciphertext when the session is encrypted and
 * opens back to every byte; a replay or a flipped bit is refused; the replay window takes late messages once.
 */
class MessageSealerTest
{
    private static final byte[] NONCE_A = new byte[32];
    private static final byte[] NONCE_B = new byte[32];

    private static SecureSession session(final boolean encrypted)
    {
        final SessionKeys keys = SessionKeys.derive(ClusterSecret.parse("00112233445566778899aabbccddeeff", "test")
            .bytes(), NONCE_A, NONCE_B, 77, 5, encrypted ? 1 : 0);
        return new SecureSession(77, 5, encrypted, keys, 1);
    }

    @Test
    @Timeout(30)
    void shouldPutOnlyCiphertextOnTheWireAndOpenEveryByteBack()
    {
        try (TransportDriver driver = TransportDriver.launch(new TransportDriver.Context());
            Publication publication = driver.aeron().addPublication("aeron:ipc", 5);
            Subscription subscription = driver.aeron().addSubscription("aeron:ipc", 5))
        {
            final SecureSession sender = session(true);
            final SecureSession receiver = session(true);
            final MessageSealer sealer = new MessageSealer();
            final MessageSealer opener = new MessageSealer();
            final byte[] block = new byte[50_000];
            new Random(9).nextBytes(block);
            final ExpandableArrayBuffer header = new ExpandableArrayBuffer(256);
            final PutRequestEncoder put = new PutRequestEncoder()
                .wrapAndApplyHeader(header, 0, new MessageHeaderEncoder())
                .correlationId(1).clientId(5).blockId(2).totalLength(block.length).crc32c(123)
                .putResponseChannel(new byte[] { 'a' }, 0, 1);
            final int lengthField = put.limit();
            header.putInt(lengthField, block.length, ByteOrder.LITTLE_ENDIAN);
            final int headerLength = lengthField + 4;

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long result;
            while ((result = sealer.offer(publication, sender, header, headerLength, new UnsafeBuffer(block), 0,
                block.length, 0)) < 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "offer result " + result);
                Thread.yield();
            }

            final byte[][] wire = new byte[1][];
            final io.aeron.FragmentAssembler assembler = new io.aeron.FragmentAssembler((buffer, offset, length, h) ->
            {
                wire[0] = new byte[length];
                buffer.getBytes(offset, wire[0]);
            });
            while (null == wire[0])
            {
                assertTrue(System.nanoTime() < deadlineNs);
                subscription.poll(assembler, 10);
            }
            assertEquals(headerLength + block.length + AuthTrailerDescriptor.GCM_TAG_LENGTH +
                AuthTrailerDescriptor.LENGTH, wire[0].length);
            assertFalse(contains(wire[0], java.util.Arrays.copyOf(block, 64)), "plain block bytes on the wire");

            final UnsafeBuffer received = new UnsafeBuffer(wire[0]);
            final int opened = opener.open(receiver, received, 0, wire[0].length, 0);
            assertEquals(headerLength + block.length, opened);
            assertTrue(opener.isDecrypted());
            final DirectBuffer plain = opener.openedBuffer();
            assertEquals(block.length, plain.getInt(lengthField, ByteOrder.LITTLE_ENDIAN));
            final byte[] back = new byte[block.length];
            plain.getBytes(headerLength, back);
            assertArrayEquals(block, back);

            assertEquals(MessageSealer.REPLAYED, opener.open(receiver, received, 0, wire[0].length, 0));
            received.putByte(headerLength + 10, (byte)(received.getByte(headerLength + 10) ^ 4));
            assertEquals(MessageSealer.BAD_MAC, opener.open(session(true), received, 0, wire[0].length, 0),
                "altered ciphertext");
            assertEquals(MessageSealer.BAD_MAC, opener.open(session(true), received, 0, wire[0].length,
                AuthTrailerDescriptor.FLAG_RESPONSE), "a request reflected as a response");
        }
    }

    @Test
    void shouldTakeEachSequenceNumberOnceWithinTheWindowAndNoneBehindIt()
    {
        final ReplayWindow window = new ReplayWindow(128);
        assertTrue(window.accept(5));
        assertTrue(window.accept(3));
        assertFalse(window.accept(3));
        assertFalse(window.accept(5));
        assertTrue(window.accept(200));
        assertTrue(window.accept(73));
        assertFalse(window.accept(72));
        assertFalse(window.accept(0));
        assertTrue(window.accept(199));
        assertFalse(window.accept(199));
        assertTrue(window.accept(10_000));
        assertFalse(window.accept(200));
    }

    private static boolean contains(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
