package io.jtractor.sc.foreign;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Small helpers shared by the bridge's classes. */
final class Loops {
  private Loops() {}

  /**
   * Runs {@code r} on {@code loop}, so that foreign continuations (what a completed future runs)
   * run on the foreign side's loop and never on an SC task's thread. A loop that refuses (it is
   * shut down) can run nothing any more; then {@code r} runs here, so that nobody waits forever.
   */
  static void onLoop(Executor loop, Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException closed) {
      r.run();
    }
  }

  /** The exception a future's wrappers ({@link CompletionException}, {@link ExecutionException}) carry. */
  static Throwable unwrap(Throwable t) {
    for (int depth = 0; depth < 16 && (t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null; depth++) {
      t = t.getCause();
    }
    return t;
  }

  /** Unchecked rethrow: a foreign checked exception is raised as itself. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
