/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.transport;

import io.aeron.DirectBufferVector;
import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

import static io.tierpool.transport.AuthTrailerDescriptor.*;

/**
 * Seals outgoing messages with an {@link AuthTrailerDescriptor authentication trailer} (and encrypts their block
 * data when the session says so) and opens incoming ones: checks the trailer's MAC, direction and sequence
 * number, and decrypts.
 * <p>
 * Hot path: the MAC comes from the session's {@link Mac} slots, initialised once per session; the covered bytes are
 * fed straight from the buffer's array, or through a scratch array owned by this sealer, and the MAC is finished
 * into a reusable array: this class allocates nothing per message without encryption (the JDK's
 * {@code Mac.doFinal} itself makes two 32-byte arrays inside). With encryption, each message's AES-GCM
 * {@link Cipher} is re-initialised with a new IV, which allocates a little inside the JDK.
 * <p>
 * Thread-safety: none. One per sending thread (a client's {@code RequestProxy.Sender}s) or per agent (the node's).
 */
final class MessageSealer
{
    /**
     * Refusal codes of {@link #open}.
     */
    static final int NOT_SEALED = -1;
    static final int BAD_MAC = -2;
    static final int REPLAYED = -3;

    private static final int IV_LENGTH = 12;

    private final byte[] macOut = new byte[32];
    private final UnsafeBuffer trailer = new UnsafeBuffer(new byte[LENGTH]);
    private final DirectBufferVector[] vectors =
        { new DirectBufferVector(), new DirectBufferVector(), new DirectBufferVector() };
    private final byte[] iv = new byte[IV_LENGTH];
    private final UnsafeBuffer ivBuffer = new UnsafeBuffer(iv);
    private final ExpandableArrayBuffer opened = new ExpandableArrayBuffer(4096);
    private byte[] scratch = new byte[4096];
    private byte[] cipherOut = new byte[0];
    private final UnsafeBuffer cipherOutBuffer = new UnsafeBuffer(new byte[0]);
    private Cipher cipher;

    /**
     * Seal a message with no block data, in place: the trailer is written after it.
     *
     * @param buffer holds the message and room for {@link AuthTrailerDescriptor#LENGTH} more bytes.
     * @return the sealed length.
     */
    int seal(
        final SecureSession session, final MutableDirectBuffer buffer, final int offset, final int length,
        final int directionFlag)
    {
        writeTrailer(session, buffer, offset, length, directionFlag, session.nextSequence());
        buffer.putBytes(offset + length, trailer, 0, LENGTH);
        return length + LENGTH;
    }

    /**
     * Seal and offer a message whose last field is block data held apart from its header (the header ends with
     * the data's 4-byte length prefix, which is rewritten when the data is encrypted).
     *
     * @return the publication's result.
     */
    long offer(
        final Publication publication,
        final SecureSession session,
        final MutableDirectBuffer header,
        final int headerLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength,
        final int directionFlag)
    {
        if (null == data)
        {
            final int length = seal(session, header, 0, headerLength, directionFlag);
            return publication.offer(header, 0, length);
        }

        final long sequence = session.nextSequence();
        final int flags = directionFlag | (session.encrypted ? FLAG_ENCRYPTED : 0);
        DirectBuffer payload = data;
        int payloadOffset = dataOffset;
        int payloadLength = dataLength;
        if (session.encrypted)
        {
            payloadLength = encrypt(session, flags, sequence, data, dataOffset, dataLength);
            payload = cipherOutBuffer;
            payloadOffset = 0;
            header.putInt(headerLength - 4, payloadLength, ByteOrder.LITTLE_ENDIAN);
        }
        writeTrailer(session, header, 0, headerLength, flags, sequence);
        vectors[0].reset(header, 0, headerLength);
        vectors[1].reset(payload, payloadOffset, payloadLength);
        vectors[2].reset(trailer, 0, LENGTH);
        return publication.offer(vectors);
    }

    /**
     * @return the session id a sealed message names, or 0 when it is too short to carry a trailer.
     */
    static long sessionId(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < LENGTH + 8)
        {
            return 0;
        }
        return buffer.getLong(offset + length - LENGTH + SESSION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Check a sealed message of the session and, when its data is encrypted, decrypt it into
     * {@link #openedBuffer()} (else the message stays where it is).
     *
     * @param directionFlag {@link AuthTrailerDescriptor#FLAG_RESPONSE} when responses are expected, else 0.
     * @return the message's length without its trailer (and with plain data), or {@link #BAD_MAC} (forged,
     * altered, wrong direction) or {@link #REPLAYED} (seen before or too far behind).
     */
    int open(
        final SecureSession session, final DirectBuffer buffer, final int offset, final int length,
        final int directionFlag)
    {
        final int messageLength = length - LENGTH;
        final int trailerOffset = offset + messageLength;
        final int covered = buffer.getInt(trailerOffset + COVERED_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int flags = buffer.getInt(trailerOffset + FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long sequence = buffer.getLong(trailerOffset + SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int expectedFlags = directionFlag | (session.encrypted && covered < messageLength ? FLAG_ENCRYPTED : 0);
        if (covered < 8 || covered > messageLength || flags != expectedFlags)
        {
            return BAD_MAC;
        }

        final int slot = session.acquireMac();
        try
        {
            final Mac mac = session.mac(slot);
            update(mac, buffer, offset, covered);
            update(mac, buffer, trailerOffset, MAC_OFFSET);
            mac.doFinal(macOut, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        finally
        {
            session.releaseMac(slot);
        }
        int diff = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            diff |= macOut[i] ^ buffer.getByte(trailerOffset + MAC_OFFSET + i);
        }
        if (0 != diff)
        {
            return BAD_MAC;
        }

        int openedLength = messageLength;
        if ((flags & FLAG_ENCRYPTED) != 0)
        {
            openedLength = decrypt(session, flags, sequence, buffer, offset, covered, messageLength - covered);
            if (openedLength < 0)
            {
                return BAD_MAC;
            }
        }
        if (!session.rxWindow.accept(sequence))
        {
            return REPLAYED;
        }
        openedOffsetIsCopy = (flags & FLAG_ENCRYPTED) != 0;
        return openedLength;
    }

    private boolean openedOffsetIsCopy;

    /**
     * @return true when the last opened message was decrypted into {@link #openedBuffer()} (at offset 0).
     */
    boolean isDecrypted()
    {
        return openedOffsetIsCopy;
    }

    DirectBuffer openedBuffer()
    {
        return opened;
    }

    private void writeTrailer(
        final SecureSession session,
        final DirectBuffer buffer,
        final int offset,
        final int covered,
        final int flags,
        final long sequence)
    {
        trailer.putLong(SESSION_ID_OFFSET, session.sessionId, ByteOrder.LITTLE_ENDIAN);
        trailer.putLong(SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        trailer.putInt(COVERED_LENGTH_OFFSET, covered, ByteOrder.LITTLE_ENDIAN);
        trailer.putInt(FLAGS_OFFSET, flags, ByteOrder.LITTLE_ENDIAN);
        final int slot = session.acquireMac();
        try
        {
            final Mac mac = session.mac(slot);
            update(mac, buffer, offset, covered);
            update(mac, trailer, 0, MAC_OFFSET);
            mac.doFinal(macOut, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        finally
        {
            session.releaseMac(slot);
        }
        trailer.putBytes(MAC_OFFSET, macOut, 0, MAC_LENGTH);
    }

    private void update(final Mac mac, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            mac.update(array, (int)buffer.wrapAdjustment() + offset, length);
            return;
        }
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        mac.update(scratch, 0, length);
    }

    private Cipher cipher()
    {
        if (null == cipher)
        {
            try
            {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("this JVM lacks AES/GCM/NoPadding, which every Java SE runtime " +
                    "has: " + ex, ex);
            }
        }
        return cipher;
    }

    private void initCipher(
        final SecureSession session, final int mode, final int flags, final long sequence)
        throws GeneralSecurityException
    {
        ivBuffer.putInt(0, flags, ByteOrder.LITTLE_ENDIAN);
        ivBuffer.putLong(4, sequence, ByteOrder.LITTLE_ENDIAN);
        cipher().init(mode, session.encKey, new GCMParameterSpec(GCM_TAG_LENGTH * 8, iv));
    }

    private int encrypt(
        final SecureSession session,
        final int flags,
        final long sequence,
        final DirectBuffer data,
        final int offset,
        final int length)
    {
        final int outLength = length + GCM_TAG_LENGTH;
        if (cipherOut.length < outLength)
        {
            cipherOut = new byte[outLength];
            cipherOutBuffer.wrap(cipherOut);
        }
        try
        {
            initCipher(session, Cipher.ENCRYPT_MODE, flags, sequence);
            return cipher.doFinal(input(data, offset, length), ByteBuffer.wrap(cipherOut, 0, outLength));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM encryption failed: " + ex, ex);
        }
    }

    /**
     * @return the plain message's length in {@link #opened}, or -1 when the ciphertext does not authenticate.
     */
    private int decrypt(
        final SecureSession session,
        final int flags,
        final long sequence,
        final DirectBuffer buffer,
        final int offset,
        final int covered,
        final int cipherLength)
    {
        final int plainLength = cipherLength - GCM_TAG_LENGTH;
        if (plainLength < 0)
        {
            return -1;
        }
        opened.checkLimit(covered + cipherLength);
        opened.putBytes(0, buffer, offset, covered);
        opened.putInt(covered - 4, plainLength, ByteOrder.LITTLE_ENDIAN);
        try
        {
            initCipher(session, Cipher.DECRYPT_MODE, flags, sequence);
            cipher.doFinal(input(buffer, offset + covered, cipherLength),
                ByteBuffer.wrap(opened.byteArray(), covered, cipherLength));
        }
        catch (final GeneralSecurityException ex)
        {
            return -1;
        }
        return covered + plainLength;
    }

    private ByteBuffer input(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            return ByteBuffer.wrap(array, (int)buffer.wrapAdjustment() + offset, length);
        }
        final ByteBuffer byteBuffer = buffer.byteBuffer();
        if (null != byteBuffer)
        {
            final int start = (int)buffer.wrapAdjustment() + offset;
            return byteBuffer.duplicate().limit(start + length).position(start);
        }
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        return ByteBuffer.wrap(scratch, 0, length);
    }
}
