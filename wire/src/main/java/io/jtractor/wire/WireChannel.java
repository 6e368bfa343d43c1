package io.jtractor.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection speaking tractor's protocol: framing, codec and handshake, over any {@link
 * Transport} (TCP, TLS, Unix domain socket). Prior art: tractor's {@code Channel} over {@code
 * MsgpackTCPStream}.
 *
 * <p>Threads: {@link #receive()} is for one thread only (the connection's message loop; only it
 * reads the socket). {@link #send(Msg)} may be called from any thread; frames never interleave.
 * {@link #close()} from any thread.
 */
public final class WireChannel implements AutoCloseable {

  /**
   * Limits for one channel.
   *
   * @param maxFrame the largest frame body accepted
   * @param handshakeTimeout how long a peer may take to send its hello (and to prove itself)
   */
  public record Config(int maxFrame, Duration handshakeTimeout) {
    public static final Config DEFAULT = new Config(FrameReader.DEFAULT_MAX_FRAME, Duration.ofSeconds(10));

    public Config {
      if (maxFrame < 1) throw new IllegalArgumentException("maxFrame must be positive");
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }
  }

  private final Connection connection;
  private final FrameReader reader;
  /**
   * The cid decoded last, by whichever thread decodes this connection's messages (the reader, or
   * on an in-memory link the peer's writer delivering for it).
   */
  private final StringMemo cids = new StringMemo();
  /** What {@link #receiveOrItem} read last with no record; confined, as {@link #reader}, to the holder of the reading. */
  private final MsgCodec.Item item = new MsgCodec.Item();
  /** A frame body decoded where it lies: a message. */
  private final FrameReader.Body<Msg> decodeWhole = (buf, from, to) -> MsgCodec.decode(buf, from, to, cids, null);
  /** A frame body decoded where it lies: a message, or null for a stream item, return or functype put in {@link #item}. */
  private final FrameReader.Body<Msg> decodeOrItem = (buf, from, to) -> MsgCodec.decode(buf, from, to, cids, item);
  /** Whether the connection's reads can give up after a while ({@link #awaitMessage}). */
  private final boolean timedReads;
  private final FrameWriter writer;
  private final Duration handshakeTimeout;
  /** The largest frame body accepted once the peer is admitted. */
  private final int maxFrame;
  /** The pipe our writes go to, on an in-memory link (which may lend them to its reader); else null. */
  private final MemoryPipe lendingPipe;

  /**
   * The largest frame accepted before the peer is admitted: hellos and proofs are a few hundred
   * bytes, and a stranger must not make us decode megabytes (a frame of empty msgpack maps costs
   * ~60 bytes of heap per byte) before anyone knows who it is.
   */
  public static final int HANDSHAKE_MAX_FRAME = 16 << 10;
  /** Set once by the handshake; read by any thread. */
  private volatile Hello peer;
  /** Our own hello, set by the handshake before the auth hook runs. */
  private volatile Hello mine;
  /** Set by an auth hook that verified the peer's proof of the shared secret. */
  private volatile boolean peerAuthenticated;

  private WireChannel(Connection connection, Config config) throws IOException {
    this.connection = connection;
    this.reader = new FrameReader(connection.input(), config.maxFrame());
    // Reads wait forever (a timeout would end the channel), except within awaitMessage: this also
    // asks whether the connection can limit a read's wait at all.
    this.timedReads = connection.readTimeout(0);
    this.writer = new FrameWriter(new GrowingBufferedOutput(connection.output(), 1 << 16));
    this.lendingPipe = connection instanceof MemoryConnection m ? m.outPipe() : null;
    this.handshakeTimeout = config.handshakeTimeout();
    this.maxFrame = config.maxFrame();
  }

  /** Wraps a connection (accepted or made through a {@link Transport}). */
  public static WireChannel over(Connection connection, Config config) throws IOException {
    Objects.requireNonNull(connection, "connection");
    try {
      return new WireChannel(connection, config);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Wraps an accepted plain TCP socket. */
  public static WireChannel wrap(Socket socket, Config config) throws IOException {
    return over(new SocketConnection(Objects.requireNonNull(socket, "socket"), Transport.TCP, false), config);
  }

  /** Connects to {@code address} over plain TCP. */
  public static WireChannel connect(InetSocketAddress address, Config config) throws IOException {
    return connect(Transport.TCP, address, config);
  }

  /** Connects to {@code address} over {@code transport} (a Unix domain address always over {@link Transport#UNIX}). */
  public static WireChannel connect(Transport transport, SocketAddress address, Config config) throws IOException {
    return over(transport.forAddress(address).connect(address, config.handshakeTimeout()), config);
  }

  /**
   * tractor's handshake: send our hello first, then read the peer's, then let {@code auth} decide
   * (it may exchange more frames, e.g. proofs of a shared secret). Both sides may send at once; the
   * order does not matter. The whole exchange has the configured handshake time limit.
   *
   * @return the peer's hello
   * @throws WireException if the peer sends no valid hello in time, closes, or is refused
   */
  public Hello handshake(Uid me, HandshakeAuth auth) throws WireException {
    // The limit starts before the first write: over TLS, that write runs the TLS handshake, which
    // waits for the peer as long as the peer likes.
    Deadline deadline = closeAfter(handshakeTimeout);
    reader.maxFrame(Math.min(HANDSHAKE_MAX_FRAME, maxFrame));
    try {
      Hello own = new Hello(me, auth.offer());
      mine = own;
      sendValue(own.toWire());
      Object theirs = receiveValue();
      Hello hello;
      try {
        hello = Hello.fromWire(theirs);
      } catch (IllegalArgumentException e) {
        throw new WireException.Malformed("bad handshake: " + e.getMessage(), e);
      }
      auth.verify(this, hello);
      peer = hello;
      reader.maxFrame(maxFrame);
      return hello;
    } catch (WireException e) {
      if (deadline.expired()) throw new WireException("no handshake from the peer within " + handshakeTimeout, e);
      throw e;
    } finally {
      deadline.close();
    }
  }

  /**
   * Closes this channel once {@code timeout} has passed, unless the returned deadline is closed
   * first: a time limit for blocking reads. It closes the socket from a watchdog instead of setting
   * SO_TIMEOUT, because a timed read switches the JDK socket to non-blocking mode for good, and
   * every later read then costs a failed read plus a poll (seen with strace: 830 EAGAIN reads in
   * 2542).
   */
  public Deadline closeAfter(Duration timeout) {
    return new Deadline(this, timeout);
  }

  /** A pending {@link #closeAfter} of a channel. */
  public static final class Deadline implements AutoCloseable {
    private final AtomicBoolean expired = new AtomicBoolean();
    private final Thread watchdog;

    private Deadline(WireChannel channel, Duration timeout) {
      java.util.Objects.requireNonNull(timeout, "timeout");
      this.watchdog = Thread.ofVirtual().name("wire-deadline").start(() -> {
        try {
          Thread.sleep(timeout);
          expired.set(true);
          channel.close();
        } catch (InterruptedException calledOff) {
          // closed in time
        }
      });
    }

    /** Whether the time ran out (and the channel was closed for it). */
    public boolean expired() {
      return expired.get();
    }

    /** Calls the deadline off; idempotent. */
    @Override
    public void close() {
      watchdog.interrupt();
    }
  }

  /** The peer's uid, or null before the handshake completed. */
  public Uid peerUid() {
    Hello h = peer;
    return h == null ? null : h.uid();
  }

  /** The peer's hello, or null before the handshake completed. */
  public Hello peerHello() {
    return peer;
  }

  /** The hello we sent, or null before the handshake began. */
  public Hello localHello() {
    return mine;
  }

  /** Whether the peer proved, during the handshake, that it holds our shared secret. */
  public boolean peerAuthenticated() {
    return peerAuthenticated;
  }

  /** Records that the peer proved the shared secret; for auth hooks, during the handshake. */
  void markPeerAuthenticated() {
    peerAuthenticated = true;
  }

  /** The connection underneath. */
  public Connection connection() {
    return connection;
  }

  /** Sends one message. */
  public void send(Msg msg) throws WireException {
    byte[] body = MsgCodec.encode(msg);
    try {
      writer.write(body);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    } finally {
      deliverLent();
    }
  }

  /** Sends several messages in order with one flush (they usually leave in one segment). */
  public void send(Msg... msgs) throws WireException {
    byte[][] bodies = new byte[msgs.length][];
    for (int i = 0; i < msgs.length; i++) bodies[i] = MsgCodec.encode(msgs[i]);
    try {
      writer.write(bodies);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    } finally {
      deliverLent();
    }
  }

  /** Sends already encoded message bodies (see {@link MsgCodec#encode}) in order, with one flush. */
  public void sendEncoded(byte[]... bodies) throws WireException {
    try {
      writer.write(bodies);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    } finally {
      deliverLent();
    }
  }

  /**
   * Sends the frames in {@code frames} as they are, in one write (see {@link
   * FrameWriter#writeFramed}); the buffer is left as it was.
   */
  public void sendFramed(FrameBuffer frames) throws WireException {
    try {
      writer.writeFramed(frames.bytes(), 0, frames.size());
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    } finally {
      deliverLent();
    }
  }

  /** Sends one plain value as a frame (the handshake, the spawn init map). */
  public void sendValue(Object value) throws WireException {
    byte[] body = Msgpack.encode(value);
    try {
      writer.write(body);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    } finally {
      deliverLent();
    }
  }

  /**
   * Sends stream items without encoding them, on an in-memory link whose receiving end waits
   * between frames with nothing unread: its message loop takes them on this thread ({@link
   * DirectDelivery}), in order; any it declines are encoded and read by its reader next, before
   * whatever was written meanwhile. Each item must be its own {@link MsgCodec#decodedForm}: an
   * immutable value, the very one the receiving end would decode, so that nothing is shared.
   *
   * @return false, with nothing sent, on any other link or while the receiving end is busy: the
   *     caller then sends them encoded
   * @throws IllegalArgumentException if an item is not its own decoded form (nothing is sent)
   */
  public boolean sendDirect(java.util.List<Msg.Yield> items) {
    if (lendingPipe == null || items.isEmpty()) return false;
    for (Msg.Yield y : items) {
      if (MsgCodec.decodedForm(y) != y) throw new IllegalArgumentException("not an immutable decoded form: " + y);
    }
    // Never between the frames of another thread's write: some may be out, the rest to follow.
    if (writer.writing()) return false;
    MemoryPipe.DirectReader taker = lendingPipe.lendMessages();
    if (taker == null) return false;
    byte[] declined = NO_BYTES; // if taking fails, the lend still ends: the reader must not wait for ever
    try {
      int taken = taker.takeMessages(items);
      declined = frames(items.subList(taken, items.size()));
    } finally {
      lendingPipe.endMessageLend(declined);
    }
    return true;
  }

  private static final byte[] NO_BYTES = new byte[0];

  /** Whether {@link #sendDirect} can send at all: an in-memory link. */
  public boolean canSendDirect() {
    return lendingPipe != null;
  }

  /** Messages encoded as whole frames, one after another, as {@link FrameWriter} writes them. */
  private static byte[] frames(java.util.List<? extends Msg> msgs) {
    if (msgs.isEmpty()) return NO_BYTES;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Msg m : msgs) out.writeBytes(FrameWriter.frame(MsgCodec.encode(m)));
    return out.toByteArray();
  }

  /** After a write: what an in-memory pipe lent to this thread goes to the receiving end now. */
  private void deliverLent() {
    if (lendingPipe != null) lendingPipe.deliverLent();
  }

  /**
   * Takes messages from the writing thread of an in-memory link while this end's reader waits.
   * Implemented by the message loop that reads this channel.
   */
  public interface DirectDelivery {
    /**
     * Takes {@code msg} (true), or declines it (false): then it and every message after it in
     * this run go through the reader, in order. {@code more}: more messages follow in this run.
     * Called on the writer's thread, one run at a time; never blocks, never throws.
     */
    boolean offer(Msg msg, boolean more);

    /** A run of offers is over (at least one taken): hand over anything held back for it. */
    void endOfRun();
  }

  /**
   * On an in-memory link, lets the peer's writing thread hand whole messages straight to {@code
   * delivery} while this end's reader waits between frames (see {@link MemoryPipe}): a message
   * then wakes only whoever waits for it, not this end's reader first. Messages stay copies (the
   * writer decodes its frames again), and in order: while a run is handed over the reader waits.
   * {@code null} stops it (the loop is ending). False, and nothing changes, on any other link.
   */
  public boolean deliverDirectly(DirectDelivery delivery) {
    if (!(connection instanceof MemoryConnection m)) return false;
    m.inPipe().directReader(delivery == null ? null : new MemoryPipe.DirectReader() {
      @Override
      public boolean atFrameBoundary() {
        return reader.atFrameBoundary();
      }

      @Override
      public int take(byte[] bytes, int len) {
        return takeFrames(delivery, bytes, len);
      }

      @Override
      public boolean takesMessages() {
        return takesDecodedForms();
      }

      @Override
      public int takeMessages(java.util.List<? extends Msg> msgs) {
        int taken = 0;
        try {
          while (taken < msgs.size() && delivery.offer(msgs.get(taken), taken + 1 < msgs.size())) taken++;
        } finally {
          if (taken > 0) delivery.endOfRun();
        }
        return taken;
      }
    });
    return true;
  }

  /** Decodes whole frames from the front of {@code bytes} and offers them; the bytes taken. */
  private int takeFrames(DirectDelivery delivery, byte[] bytes, int len) {
    int pos = 0;
    try {
      while (len - pos >= 4) {
        long n = FrameReader.lengthAt(bytes, pos);
        if (n > maxFrame || len - pos - 4 < n) break; // the reader meets what is too large, or the rest of a frame
        int end = pos + 4 + (int) n;
        Msg msg;
        try {
          msg = MsgCodec.decode(bytes, pos + 4, end, cids, null);
        } catch (WireException | RuntimeException malformed) {
          break; // the reader meets it, and ends the channel as for any malformed frame
        }
        if (!delivery.offer(msg, end < len)) break;
        pos = end;
      }
    } finally {
      if (pos > 0) delivery.endOfRun();
    }
    return pos;
  }

  /**
   * Receives the next message; only the connection's message loop calls this.
   *
   * @throws WireException.TransportClosed when the connection ends
   * @throws WireException.Malformed for a frame that is not a valid message
   * @throws WireException.FrameTooLarge for a frame over the limit
   */
  public Msg receive() throws WireException {
    return reader.read(decodeWhole);
  }

  /**
   * What {@link #receiveOrItem} reads with no record: the per-message traffic of streams and calls.
   * A call's {@code functype} holds the function's kind as its value.
   */
  public enum Bare {
    /** A stream item ({@code yield}). */
    YIELD,
    /** A call's or a context's result ({@code return}). */
    RETURN,
    /** The first answer to a {@code cmd}: the kind of function it runs ({@code functype}). */
    FUNCTYPE;

    /** The record of such a message for context {@code cid}, for a reader that wants one. */
    public Msg record(String cid, Object value) {
      return switch (this) {
        case YIELD -> new Msg.Yield(cid, value);
        case RETURN -> new Msg.Return(cid, value);
        case FUNCTYPE -> new Msg.Functype(cid, (String) value);
      };
    }
  }

  /**
   * {@link #receive()}, but a stream item, a {@code return} or a {@code functype} of the common
   * shape is not made a record: then this returns null, and {@link #itemKind()}, {@link
   * #itemCid()} and {@link #itemValue()} say what it was until the next receive. Only the
   * connection's message loop calls this.
   *
   * @throws WireException as {@link #receive()}
   */
  public Msg receiveOrItem() throws WireException {
    return reader.read(decodeOrItem);
  }

  /** What {@link #receiveOrItem} read last with no record. */
  public Bare itemKind() {
    return item.kind;
  }

  /** The cid of what {@link #receiveOrItem} read last with no record. */
  public String itemCid() {
    return item.cid;
  }

  /** The value of what {@link #receiveOrItem} read last with no record (a functype's kind for {@link Bare#FUNCTYPE}). */
  public Object itemValue() {
    return item.value;
  }

  /**
   * Whether the next message is already buffered, so that {@link #receive()} will not block or
   * touch the socket. Only the thread that may call {@link #receive()} asks.
   */
  public boolean hasBufferedMessage() {
    return reader.hasBufferedFrame();
  }

  /**
   * Whether {@link #awaitMessage} can wait with a limit on this connection (a plain socket; not
   * TLS, a Unix domain socket channel or an in-memory link).
   */
  public boolean canAwaitMessage() {
    return timedReads;
  }

  /**
   * Whether {@link #awaitMessage} waits blocking the calling thread in the kernel, a virtual
   * thread's carrier included, so that the message wakes it directly (see {@link
   * Connection#waitsInKernel}); where it does not, a virtual thread's wait goes through the JDK's
   * poller.
   */
  public boolean awaitsInKernel() {
    // Asked, not kept: the first answer loads KernelWait (an FFM downcall handle), which a JVM
    // whose tasks never wait for a socket should not pay for as its connections open.
    return timedReads && connection.waitsInKernel();
  }

  /**
   * Waits at most {@code millis} (at least 1) for the next message to begin arriving; only the
   * thread that may call {@link #receive()} calls this. True if a message's bytes are here, or
   * the connection ended: {@link #receive()} then returns it (waiting at most for the rest of its
   * frame) or says how it ended. False if nothing came in time, or if this connection cannot wait
   * with a limit ({@link #canAwaitMessage}). Where the connection can wait in the kernel ({@link
   * #awaitsInKernel}) it does, then reads what arrived with no time limit; else it reads with one.
   *
   * @throws WireException.TransportClosed if the connection failed
   */
  public boolean awaitMessage(int millis) throws WireException {
    if (millis < 1) throw new IllegalArgumentException("millis must be at least 1: " + millis);
    if (reader.hasBufferedFrame()) return true;
    if (!timedReads) return false;
    int ready = connection.waitReadable(millis); // -1 where it cannot wait in the kernel
    if (ready == 0) return false;
    try {
      if (ready == 1) { // bytes (or the end) are there: a plain read returns at once, and leaves a
        reader.readSome(); // plain socket blocking (a timed read switches it to non-blocking for good)
        return true;
      }
      connection.readTimeout(millis);
      try {
        reader.readSome();
        return true;
      } catch (SocketTimeoutException nothingYet) {
        return false;
      } finally {
        connection.readTimeout(0);
      }
    } catch (IOException e) {
      throw new WireException.TransportClosed("transport failed: " + e, e);
    }
  }

  /**
   * Whether nothing of the next message has arrived yet: none of it buffered here and none
   * waiting in the transport (a system call). Only the thread that may call {@link #receive()}
   * asks. For a reader deciding whether the stream in hand is a request and its reply, with the
   * peer now waiting, or a bulk transfer whose next bytes are already here.
   */
  public boolean quiet() {
    return reader.quiet();
  }

  /** Receives the next frame as a plain value. */
  public Object receiveValue() throws WireException {
    return Msgpack.decode(reader.read());
  }

  /** Whether the connection is still open on our side. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /**
   * Whether this end's reader would accept any message in its decoded form ({@link
   * MsgCodec#decodedForm}) as a frame: its frame limit is at least {@link
   * MsgCodec#DIRECT_FRAME_MAX}. A smaller limit could refuse an item that is handed over decoded,
   * so such an item must come as a frame, for the reader to decide.
   */
  public boolean takesDecodedForms() {
    return maxFrame >= MsgCodec.DIRECT_FRAME_MAX;
  }

  /** Our end's address. */
  public SocketAddress localAddress() {
    return connection.localAddress();
  }

  /** The peer's address. */
  public SocketAddress remoteAddress() {
    return connection.remoteAddress();
  }

  /**
   * Closes the connection; a blocked {@link #receive()} then fails with TransportClosed.
   * Idempotent. Frames a writer handed over to another that was writing ({@link FrameWriter}) go
   * out first: the close waits for them, at most {@link #CLOSE_SETTLE_MILLIS}, so a thread that
   * sends and then closes loses nothing it sent unless the write is stuck on a peer that does not
   * read. The close itself never writes.
   */
  @Override
  public void close() {
    try {
      writer.settle(CLOSE_SETTLE_MILLIS);
    } finally {
      connection.close();
    }
  }

  /** How long {@link #close} waits for handed-over frames to be written. */
  static final long CLOSE_SETTLE_MILLIS = 100;

  @Override
  public String toString() {
    Uid u = peerUid();
    return "WireChannel[" + (u == null ? "?" : u) + " " + connection + "]";
  }
}
