package io.jtractor.wire;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One end of a connection inside one JVM: two {@link MemoryPipe}s, one each way, and no socket.
 * Made in pairs ({@link #pair}); what {@link WireChannel} frames over it is the same as over TCP
 * (frames, msgpack, the handshake), so a message still crosses as a copy, never as a shared
 * object. For an actor and an in-process child of it: no kernel, no poller, one wake-up per read
 * at most, and none for the reader while it waits between frames: the writer then hands its
 * messages over itself ({@link WireChannel#deliverDirectly}).
 *
 * <p>The handshake's {@link #channelBinding()} is a random value made for the pair, the same on
 * both ends and different for every other pair, so a proof made over it holds over it only.
 *
 * <p>Threads: as {@link Connection}; {@link #close()} from any thread closes both directions and
 * wakes both ends' waiters (the peer then reads what is left, then the end of stream).
 */
public final class MemoryConnection implements Connection {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MemoryPipe in;
  private final MemoryPipe out;
  private final boolean initiator;
  private final Address local;
  private final Address remote;
  private final byte[] binding;
  /** Shared by the two ends of the pair; see {@link #meetingPlace}. */
  private final ConcurrentMap<Object, Object> meetingPlace;

  private MemoryConnection(
      MemoryPipe in, MemoryPipe out, boolean initiator, Address local, Address remote, byte[] binding,
      ConcurrentMap<Object, Object> meetingPlace) {
    this.in = in;
    this.out = out;
    this.initiator = initiator;
    this.local = local;
    this.remote = remote;
    this.binding = binding;
    this.meetingPlace = meetingPlace;
  }

  /** Both ends of a new in-memory connection. */
  public record Pair(MemoryConnection initiator, MemoryConnection acceptor) {}

  /**
   * A new connection: {@code initiatorName} and {@code acceptorName} name the two ends in logs and
   * thread names (as addresses would).
   */
  public static Pair pair(String initiatorName, String acceptorName) {
    MemoryPipe toAcceptor = new MemoryPipe();
    MemoryPipe toInitiator = new MemoryPipe();
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] binding = ("mem|" + HexFormat.of().formatHex(nonce)).getBytes(StandardCharsets.US_ASCII);
    Address a = new Address(initiatorName);
    Address b = new Address(acceptorName);
    ConcurrentMap<Object, Object> place = new ConcurrentHashMap<>();
    return new Pair(new MemoryConnection(toInitiator, toAcceptor, true, a, b, binding, place),
        new MemoryConnection(toAcceptor, toInitiator, false, b, a, binding, place));
  }

  /**
   * A map both ends of this pair share, and no other connection: where the layers above pair an
   * object of theirs on one end with its counterpart on the other (the runtime pairs the two sides
   * of a context, whose stream items then skip the pipe). Keys are the users' own types; whoever
   * puts an entry removes it. Nothing on the wire depends on it.
   */
  public ConcurrentMap<Object, Object> meetingPlace() {
    return meetingPlace;
  }

  /** The pipe this end reads. */
  MemoryPipe inPipe() {
    return in;
  }

  /** The pipe this end writes. */
  MemoryPipe outPipe() {
    return out;
  }

  @Override
  public InputStream input() {
    return in.input;
  }

  @Override
  public OutputStream output() {
    return out.output;
  }

  @Override
  public Transport transport() {
    return MemoryTransport.INSTANCE;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  /** Always: the peer is in this very JVM. */
  @Override
  public boolean peerIsLocal() {
    return true;
  }

  @Override
  public SocketAddress localAddress() {
    return local;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public boolean isOpen() {
    return !in.isClosed();
  }

  @Override
  public byte[] channelBinding() {
    return binding.clone();
  }

  @Override
  public void close() {
    in.close();
    out.close();
  }

  @Override
  public String toString() {
    return "memory:" + remote;
  }

  /** The name of one end of an in-memory connection, where a socket has an address. */
  public static final class Address extends SocketAddress {
    private static final long serialVersionUID = 1L;
    private final String name;

    Address(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Address a && a.name.equals(name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return "mem:" + name;
    }
  }
}
