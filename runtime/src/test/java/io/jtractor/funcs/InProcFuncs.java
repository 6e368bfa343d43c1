package io.jtractor.funcs;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.config.SpawnOptions;

/** Functions for the in-process backend's tests: subtrees that mix the two backends. */
public final class InProcFuncs {
  private InProcFuncs() {}

  /** The pid of a grandchild spawned with this actor's nursery defaults, and its actor's name. */
  public static String defaultGrandchild() {
    return Jtractor.callNursery(an -> {
      Portal p = an.startActor("grandchild", Funcs.class);
      String r = p.run(Funcs::pid) + " " + p.run(Funcs::actorName);
      p.cancelActor();
      return r;
    });
  }

  /** The pid of a grandchild spawned in a JVM of its own. */
  public static long processGrandchildPid() {
    return Jtractor.callNursery(an -> {
      Portal p = an.startActor("grandchild", SpawnOptions.DEFAULT, Funcs.class);
      long pid = p.run(Funcs::pid);
      p.cancelActor();
      return pid;
    });
  }

  /** The pid of a grandchild spawned in this JVM. */
  public static long inProcessGrandchildPid() {
    return Jtractor.callNursery(an -> {
      Portal p = an.startActor("grandchild", SpawnOptions.DEFAULT.inProcess(), Funcs.class);
      long pid = p.run(Funcs::pid);
      p.cancelActor();
      return pid;
    });
  }

  /** Finds {@code name} through the registrar and asks it its question. */
  public static String askByName(String name) {
    try (Portal p = Discovery.waitForActor(name)) {
      return p.run(Funcs::question);
    }
  }

  /** {@link Funcs#spawnAndError} with every actor of the tree in this JVM. */
  public static Object spawnAndErrorInProcess(int breadth, int depth) {
    Jtractor.openNursery(an -> {
      an.withSpawnOptions(SpawnOptions.inherited().inProcess());
      for (int i = 0; i < breadth; i++) {
        if (depth > 0) {
          an.runInActor("spawner_" + i + "_" + depth, InProcFuncs::spawnAndErrorInProcess, breadth, depth - 1);
        } else {
          an.runInActor("errorer_" + i, Funcs::assertErr, 0L);
        }
      }
    });
    return null;
  }
}
