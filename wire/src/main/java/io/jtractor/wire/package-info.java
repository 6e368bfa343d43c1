/**
 * tractor's wire protocol (commit c72026091e), byte for byte: framing ({@code u32}
 * little-endian length + one msgpack object), the value codec, the message types, the handshake
 * and the transports. Knows nothing of portals, contexts or actors beyond their uids.
 *
 * <ul>
 *   <li>{@link io.jtractor.wire.Msgpack}: msgpack values to and from plain Java objects.
 *   <li>{@link io.jtractor.wire.Msg}: the message catalogue ({@code cmd}, {@code functype},
 *       {@code return}, {@code started}, {@code yield}, {@code stop}, {@code error}, the nil
 *       sentinel), each encoded with tractor's key order.
 *   <li>{@link io.jtractor.wire.FrameReader} / {@link io.jtractor.wire.FrameWriter}: framing with
 *       a size limit.
 *   <li>{@link io.jtractor.wire.WireChannel}: one connection with its handshake.
 *   <li>{@link io.jtractor.wire.Transport}: what carries the bytes, TCP (tractor's), TLS 1.3 with
 *       mutual authentication ({@link io.jtractor.wire.TlsConfig}), or a Unix domain socket.
 *   <li>{@link io.jtractor.wire.SecretAuth}: the mutual HMAC challenge–response over a shared
 *       secret, invisible to plain tractor peers.
 * </ul>
 *
 * <p>Bad input is contained: a malformed or oversize frame, or a peer vanishing mid-frame,
 * surfaces as a {@link io.jtractor.wire.WireException} from the one channel it happened on.
 */
package io.jtractor.wire;
