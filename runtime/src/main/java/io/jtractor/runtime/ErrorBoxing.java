package io.jtractor.runtime;

import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.NamedValues;
import io.jtractor.wire.Uid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs a local exception into tractor's {@code error} body: {@code tb_str} (the Java stack
 * trace), {@code type_str} (the Python builtin twin's name where there is one, else the bare class
 * name; see {@link PythonErrorNames}), {@code src_actor_uid}, and
 * jtractor's extra fields ({@code java_type}; for relays {@code boxed_type_str} and {@code
 * relay_path}), which tractor peers keep but ignore.
 */
public final class ErrorBoxing {
  private ErrorBoxing() {}

  /** Boxes {@code t}, raised in actor {@code self}. */
  public static ErrorInfo pack(Throwable t, Uid self) {
    if (t instanceof ContextCancelled cc && cc.info().hasCanceller()) {
      // tractor keeps a relayed cancellation's original fields, so its canceller survives.
      return cc.info();
    }
    if (t instanceof RemoteActorError rae) {
      return relay(rae, self);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(ErrorInfo.TB_STR, stackTrace(t));
    m.put(ErrorInfo.TYPE_STR, PythonErrorNames.of(t));
    m.put(ErrorInfo.SRC_ACTOR_UID, self);
    m.put(RemoteActorError.JAVA_TYPE, t.getClass().getName());
    return new ErrorInfo(m);
  }

  /**
   * Boxes a remote error again to pass it on, as tractor does ({@code type_str:
   * RemoteActorError}, the inner trace embedded), keeping the original type, source and path.
   */
  static ErrorInfo relay(RemoteActorError rae, Uid self) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(ErrorInfo.TB_STR, stackTrace(rae));
    m.put(ErrorInfo.TYPE_STR, "RemoteActorError");
    Uid src = rae.srcActorUid();
    m.put(ErrorInfo.SRC_ACTOR_UID, src != null ? src : self);
    Object javaType = rae.msgdata().get(RemoteActorError.JAVA_TYPE);
    if (javaType != null) m.put(RemoteActorError.JAVA_TYPE, javaType);
    m.put(RemoteActorError.BOXED_TYPE_STR, rae.boxedTypeName());
    List<Object> path = new ArrayList<>();
    for (Uid u : rae.relayPath()) path.add(u);
    if (rae.channelPeer() != null && !rae.channelPeer().equals(src)) path.add(rae.channelPeer());
    path.add(self);
    m.put(RemoteActorError.RELAY_PATH, path);
    return new ErrorInfo(m);
  }

  /** A ContextCancelled body, as tractor builds it for a cancelled remote task. */
  public static ErrorInfo contextCancelled(String message, Uid self, Uid canceller) {
    String tb = "jtractor: " + message + "\nio.jtractor.ContextCancelled: " + message + "\n";
    return new ErrorInfo(NamedValues.of(CANCELLED_FIELDS, 0, tb, "ContextCancelled", self, canceller));
  }

  /** A {@code ContextCancelled}'s fields, in tractor's order. */
  private static final String[] CANCELLED_FIELDS = {ErrorInfo.TB_STR, ErrorInfo.TYPE_STR, ErrorInfo.SRC_ACTOR_UID, ErrorInfo.CANCELLER};

  static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
