package io.jtractor.errors;

import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Uid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An exception raised in another actor, boxed and shipped back: what a failed remote call, a
 * failed {@code runInActor} child or a failed context raises locally. Prior art: tractor's {@code
 * RemoteActorError}.
 *
 * <p>It carries the remote type's name ({@link #typeName()}), the remote stack trace as text
 * ({@link #remoteTraceback()}), the uid of the actor where it was raised ({@link
 * #srcActorUid()}) and every field the error message came with ({@link #msgdata()}). {@link
 * #type()} resolves the remote type to a local class when one is known (a Java peer sends the
 * class's full name; Python's builtin names map to their Java counterparts where there is one).
 *
 * <p>Relaying: an error that crosses a middle actor is boxed again by that actor, as tractor does
 * ({@code type_str} becomes {@code RemoteActorError}), but jtractor peers also send the original
 * type ({@code boxed_type_str}) and the actors it crossed ({@code relay_path}), so {@link #type()}
 * is still the original type and {@link #relayPath()} tells the way it came.
 */
public class RemoteActorError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Extra error fields jtractor sends beside tractor's; tractor keeps and ignores them. */
  public static final String JAVA_TYPE = "java_type";
  public static final String BOXED_TYPE_STR = "boxed_type_str";
  public static final String RELAY_PATH = "relay_path";

  private final transient ErrorInfo info;
  private final transient Uid channelPeer;
  /**
   * Whether this error's local stack trace is (being) filled in: false while {@code Throwable}'s
   * constructor runs, so that its own fill does nothing ({@link #fillInStackTrace}); set by our
   * constructors when they fill it at once, or by the first {@link #raisedHere()} of an error made
   * by {@link #received}. Guarded by this throwable's monitor (as {@code fillInStackTrace} is).
   */
  private transient boolean traced;
  /**
   * The message ({@link #describe}), made when first asked for, or before serialization (which
   * leaves {@link #info} behind): an error a context receives is often absorbed unread, as the
   * answer to its own cancel is. Racy by design: any thread that makes it makes the same string.
   */
  private String message;

  /**
   * @param info the {@code error} message's body
   * @param channelPeer the actor that sent it to us (for a relayed error, not where it started)
   */
  public RemoteActorError(ErrorInfo info, Uid channelPeer) {
    this(info, channelPeer, true);
  }

  /**
   * @param traceNow whether to fill in the local stack trace now; if not, the first {@link
   *     #raisedHere()} does
   */
  protected RemoteActorError(ErrorInfo info, Uid channelPeer, boolean traceNow) {
    super((String) null);
    this.info = info;
    this.channelPeer = channelPeer;
    if (traceNow) {
      traced = true;
      super.fillInStackTrace(); // from the constructor, so the trace starts where the error is made
    }
  }

  /**
   * Does nothing until the local stack trace has been filled in once (by a constructor, or by the
   * first {@link #raisedHere()} of an error {@link #received} made); from then on fills it in
   * again, as {@code Throwable}'s does. This keeps {@code Throwable}'s constructor from filling it.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return traced ? super.fillInStackTrace() : this;
  }

  /**
   * This error, its local stack trace filled in here if it had none yet (one {@link #received}
   * made), starting at the caller of this method: what the runtime throws where it raises the
   * error into user code.
   */
  public final synchronized RemoteActorError raisedHere() {
    if (!traced) {
      traced = true;
      super.fillInStackTrace();
      StackTraceElement[] trace = getStackTrace();
      if (trace.length > 0) setStackTrace(Arrays.copyOfRange(trace, 1, trace.length)); // not this frame
    }
    return this;
  }

  /** The remote type, where it was raised, and its remote traceback. */
  @Override
  public String getMessage() {
    String m = message;
    if (m == null && info != null) message = m = describe(info, channelPeer);
    return m;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    getMessage();
    out.defaultWriteObject();
  }

  private static String describe(ErrorInfo info, Uid peer) {
    String boxed = info.fields().get(BOXED_TYPE_STR) instanceof String s ? s : info.typeStr();
    return boxed + " in " + (peer == null ? "a remote actor" : peer.pythonRepr()) + "\n" + info.tbStr();
  }

  /** The remote type's name as sent ({@code type_str}), e.g. {@code AssertionError}. */
  public String typeName() {
    return info.typeStr();
  }

  /**
   * The name of the original type, seen through relays: {@code boxed_type_str} if a jtractor
   * relay sent it, else {@link #typeName()}.
   */
  public String boxedTypeName() {
    return info.fields().get(BOXED_TYPE_STR) instanceof String s ? s : info.typeStr();
  }

  /**
   * The original remote type as a local class: the Java class a jtractor peer named, or the
   * Java counterpart of a Python builtin, or one of jtractor's own error types; {@code
   * Exception.class} if nothing is known by that name.
   */
  public Class<? extends Throwable> type() {
    return RemoteTypes.resolve(info);
  }

  /** The remote stack trace, as text. */
  public String remoteTraceback() {
    return info.tbStr();
  }

  /** The actor where the error was first raised. */
  public Uid srcActorUid() {
    Uid src = info.srcActorUid();
    return src != null ? src : channelPeer;
  }

  /** The actor that sent this error to us. */
  public Uid channelPeer() {
    return channelPeer;
  }

  /** Every field of the error message, in wire order. */
  public Map<String, Object> msgdata() {
    return info.fields();
  }

  /** The error message's body, for forwarding. */
  public ErrorInfo info() {
    return info;
  }

  /**
   * The actors this error crossed before reaching us, first the origin's relays, then the one that
   * sent it here (empty if it came straight from where it was raised).
   */
  public List<Uid> relayPath() {
    List<Uid> out = new ArrayList<>();
    if (info.fields().get(RELAY_PATH) instanceof List<?> l) {
      for (Object o : l) {
        try {
          out.add(Uid.fromWire(o));
        } catch (IllegalArgumentException ignored) {
          // not a uid: skip
        }
      }
    }
    return out;
  }

  /** Builds the right subclass for an error message. */
  public static RemoteActorError from(ErrorInfo info, Uid channelPeer) {
    return switch (info.typeStr()) {
      case "ContextCancelled" -> new ContextCancelled(info, channelPeer);
      default -> new RemoteActorError(info, channelPeer);
    };
  }

  /**
   * {@link #from}, for an error message as a connection's message loop receives it: the local
   * stack trace is left for {@link #raisedHere()} to fill in where the runtime first raises the
   * error to user code. Filled in by the loop, it would show only the loop's own frames, and it
   * cost more than the rest of receiving the error; an error that is never raised (the
   * cancellation this side asked for, returned rather than thrown) has an empty one.
   */
  public static RemoteActorError received(ErrorInfo info, Uid channelPeer) {
    return switch (info.typeStr()) {
      case "ContextCancelled" -> new ContextCancelled(info, channelPeer, false);
      default -> new RemoteActorError(info, channelPeer, false);
    };
  }
}
