package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.util.List;

/**
 * A thread of the root stopped under the root's helper JVM ({@link RootHelper}): served by the
 * root's REPL like a child's stop, every command answered by the helper through JDI. Used on the
 * front end's REPL thread only.
 */
final class HelperStop implements Stop {
  private final HelperLink link;
  private final String id;
  private final Uid uid;
  private final Kind kind;
  private final int initialFrame;
  /** Set once resumed (REPL thread only). */
  private boolean resumed;

  HelperStop(HelperLink link, String id, Uid uid, Kind kind, int initialFrame) {
    this.link = link;
    this.id = id;
    this.uid = uid;
    this.kind = kind;
    this.initialFrame = initialFrame;
  }

  @Override
  public Uid uid() {
    return uid;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String error() {
    return kind == Kind.CRASH ? link.ask("error", id) : null;
  }

  @Override
  public List<String> frames() {
    String all = link.ask("frames", id);
    return all == null || all.isEmpty() ? List.of() : List.of(all.split("\n"));
  }

  @Override
  public int initialFrame() {
    return initialFrame;
  }

  @Override
  public SourcePos source(int i) {
    String s = link.ask("source", id, Integer.toString(i));
    if (s == null) return null;
    int colon = s.indexOf(':');
    return new SourcePos(s.substring(colon + 1), Integer.parseInt(s.substring(0, colon)));
  }

  @Override
  public String locals(int i) {
    return link.ask("locals", id, Integer.toString(i));
  }

  @Override
  public String print(int i, String expression) {
    return link.ask("print", id, Integer.toString(i), expression);
  }

  @Override
  public void resume(boolean quit) {
    if (resumed) return;
    resumed = true;
    try {
      link.ask("resume", id, "0", Boolean.toString(quit));
    } catch (RuntimeException gone) {
      // the helper went away: the root's agent let every stopped thread go when it did
    }
  }

  @Override
  public boolean gone() {
    return link.gone();
  }
}
