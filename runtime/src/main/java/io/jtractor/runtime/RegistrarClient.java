package io.jtractor.runtime;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Transport;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * One registry call over a connection of its own: connect, handshake, {@code cmd}, read {@code
 * functype} and the outcome, close — what tractor's child does around {@code register_actor} and
 * {@code unregister_actor} (capture C2/C3: it closes with a FIN, without the {@code None}
 * sentinel; the registrar sends that). It needs no message loop and no service nursery, so
 * an actor can register before it serves and unregister after it stopped serving.
 *
 * <p>Every call has a time limit, enforced by {@link WireChannel#closeAfter}.
 */
final class RegistrarClient {
  private RegistrarClient() {}

  /** What a registry call learned about its peer, beside the value. */
  record Reply(Object value, boolean peerIsJtractor) {}

  /**
   * How long a registrar may take to send its hello. A registrar sends it as soon as it accepts,
   * so anything slower is something else listening at the registrar's address (a web server, a
   * program that never speaks first), and the user is told so at once instead of after a long
   * timeout.
   */
  static final Duration HELLO_LIMIT = Duration.ofMillis(500);

  /** Something listens at the registrar's address, but it is not a tractor registrar. */
  static final class NotARegistrar extends IOException {
    private static final long serialVersionUID = 1L;

    NotARegistrar(InetSocketAddress at, String why, Throwable cause) {
      super("something listens at " + at.getHostString() + ":" + at.getPort() + ", but it is not a tractor registrar: "
          + why + "; choose another registrar address (-Djtractor.registry=host:port or JTRACTOR_REGISTRY)", cause);
    }
  }

  /**
   * Calls {@code self.func(**kwargs)} at {@code registrar} as actor {@code me}.
   *
   * @param auth {@code me}'s handshake (it proves the tree secret to a jtractor registrar)
   * @param transport what carries the connection
   *
   * @param jtractorKwargs extra kwargs sent only if the registrar announces jtractor (plain
   *     tractor registrars would refuse unknown ones)
   * @throws IOException if the registrar cannot be reached, does not answer in time, or answers
   *     with an error (the cause is the boxed {@link RemoteActorError})
   */
  static Reply call(
      InetSocketAddress registrar,
      Uid me,
      HandshakeAuth auth,
      Transport transport,
      String func,
      Map<String, Object> kwargs,
      Map<String, Object> jtractorKwargs,
      Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration helloLimit = timeout.compareTo(HELLO_LIMIT) < 0 ? timeout : HELLO_LIMIT;
    WireChannel ch = WireChannel.connect(transport, registrar, new WireChannel.Config(WireChannel.Config.DEFAULT.maxFrame(), helloLimit));
    // One budget for connect and call.
    WireChannel.Deadline limit = ch.closeAfter(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    try {
      Hello hello;
      try {
        hello = ch.handshake(me, auth);
      } catch (WireException.Refused refused) {
        throw refused; // a registrar, but another tree's (or one that does not take us): its own message
      } catch (WireException noHello) {
        if (limit.expired()) throw noHello; // the whole call's budget ran out first: handled below
        throw new NotARegistrar(registrar, noHello.getMessage(), noHello);
      }
      boolean jtractor = hello.capabilities().containsKey(Capabilities.JTRACTOR);
      Map<String, Object> all = new java.util.LinkedHashMap<>(kwargs);
      if (jtractor) all.putAll(jtractorKwargs);
      String cid = PeerChannel.newCid();
      ch.send(new Msg.Cmd("self", func, all, me, cid));
      while (true) {
        Msg m = ch.receive();
        if (!cid.equals(m.cid())) continue; // a functype, or anything else not ours
        switch (m) {
          case Msg.Return r -> {
            return new Reply(r.value(), jtractor);
          }
          case Msg.Error e -> throw new IOException(
              "the registrar at " + registrar + " refused " + func, RemoteActorError.from(e.info(), hello.uid()));
          default -> {
            // functype
          }
        }
      }
    } catch (WireException e) {
      if (limit.expired()) throw new IOException("the registrar at " + registrar + " did not answer " + func + " within " + timeout, e);
      throw e;
    } finally {
      limit.close();
      ch.close();
    }
  }
}
