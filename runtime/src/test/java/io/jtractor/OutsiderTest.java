package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.DiscoveryFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.Outsider;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.Uid;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of an outsider — another process on this host with a raw socket and msgpack but no
 * secret ({@link Outsider}) — against a running tree (a root that is its own registrar, and a
 * child): each is refused at the handshake, nothing is run, registered, read or cancelled, and the
 * tree's state is unchanged. The outsider tries each as a plain tractor peer and posing as a
 * jtractor peer with a made-up proof.
 */
@DisplayName("an outsider without the secret gets nothing")
@Timeout(60)
class OutsiderTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  /** What the outsider saw in one guise. */
  record Seen(String guise, List<String> frames, String end) {}

  /** Runs the outsider against {@code at} as {@code as}, sending {@code ns.func(kwargs...)}. */
  private static List<Seen> outsider(InetSocketAddress at, Uid as, String ns, String func, String... kwargs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-cp", System.getProperty("java.class.path"),
        Outsider.class.getName(), at.getHostString(), Integer.toString(at.getPort()), as.name(), as.uuid(), ns, func));
    cmd.addAll(List.of(kwargs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<Seen> seen = new ArrayList<>();
    String guise = null;
    List<String> frames = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.startsWith("GUISE ")) {
        guise = line.substring(6);
        frames = new ArrayList<>();
      } else if (line.startsWith("GOT ")) {
        frames.add(line.substring(4));
      } else if (line.equals("CLOSED") || line.equals("OPEN")) {
        seen.add(new Seen(guise, frames, line));
      }
    }
    assertThat(seen).as(out).hasSize(2);
    return seen;
  }

  /** The actor said its hello (and, to a would-be jtractor peer, its own proof), then closed: nothing else. */
  private static void refusedAtTheHandshake(List<Seen> seen) {
    for (Seen s : seen) {
      assertThat(s.end()).as("%s", s).isEqualTo("CLOSED");
      assertThat(s.frames()).as("%s", s).allMatch(f -> f.equals("hello") || f.equals("auth_proof"));
    }
  }

  /** Where the registered actor {@code name} listens, once it is registered. */
  private static InetSocketAddress addressOf(String name) {
    Discovery.waitForActor(name).close();
    return Discovery.queryActor(name).orElseThrow();
  }

  private static Uid stranger() {
    return Uid.random("outsider");
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @Test
  void callingAnExposedFunctionRunsNothing(@TempDir Path dir) throws Exception {
    Path mark = dir.resolve("ran");
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        InetSocketAddress childAt = addressOf("child");
        for (InetSocketAddress at : List.of(root.address(), childAt)) {
          refusedAtTheHandshake(outsider(at, stranger(), Funcs.class.getName(), "touch", "path", mark.toString()));
        }
        assertThat(mark).doesNotExist();
        assertThat(child.run(Funcs::hello, "member")).isEqualTo("hi member"); // members still call
        an.cancel();
      });
    }
  }

  @Test
  void cancellingAnActorOrTheRegistrarCancelsNothing() throws Exception {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      assertThat(root.isRegistrar()).isTrue();
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        InetSocketAddress childAt = addressOf("child");
        refusedAtTheHandshake(outsider(childAt, stranger(), "self", "cancel"));
        refusedAtTheHandshake(outsider(root.address(), stranger(), "self", "cancel"));
        assertThat(child.run(Funcs::hello, "still")).isEqualTo("hi still");
        assertThat(root.actor().cancelRequester()).isNull();
        assertThat(Discovery.registry().keySet()).containsExactlyInAnyOrder(root.uid(), child.uid());
        an.cancel();
      });
    }
  }

  @Test
  void claimingAnotherActorsUidGetsNoFurther() throws Exception {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        InetSocketAddress childAt = addressOf("child");
        // The child's parent may cancel it: claiming to be the parent is the outsider's best shot.
        refusedAtTheHandshake(outsider(childAt, root.uid(), "self", "cancel"));
        refusedAtTheHandshake(outsider(root.address(), child.uid(), "self", "cancel"));
        assertThat(child.run(Funcs::hello, "still")).isEqualTo("hi still");
        assertThat(root.actor().cancelRequester()).isNull();
        an.cancel();
      });
    }
  }

  @Test
  void registeringAFakeAddressIsNotRecorded() throws Exception {
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", DiscoveryFuncs.class);
        Discovery.waitForActor("child").close();
        Map<Uid, InetSocketAddress> before = root.actor().localRegistry();
        Uid fake = Uid.random("child");
        // A new entry under a name in use, and the real child's entry pointed elsewhere.
        refusedAtTheHandshake(outsider(root.address(), fake, "self", "register_actor",
            "uid", fake.name() + "|" + fake.uuid(), "sockaddr", "127.0.0.1:1"));
        refusedAtTheHandshake(outsider(root.address(), child.uid(), "self", "register_actor",
            "uid", child.uid().name() + "|" + child.uid().uuid(), "sockaddr", "127.0.0.1:1"));
        assertThat(root.actor().localRegistry()).isEqualTo(before);
        assertThat(Discovery.queryActor("child")).contains(before.get(child.uid()));
        assertThat(Discovery.queryActor(fake.uuid())).isEmpty();
        an.cancel();
      });
    }
  }

  @Test
  void readingOrEditingTheRegistryIsRefused() throws Exception {
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", DiscoveryFuncs.class);
        Discovery.waitForActor("child").close();
        Map<Uid, InetSocketAddress> before = root.actor().localRegistry();
        refusedAtTheHandshake(outsider(root.address(), stranger(), "self", "get_registry"));
        refusedAtTheHandshake(outsider(root.address(), stranger(), "self", "find_actor", "name", "child"));
        refusedAtTheHandshake(outsider(root.address(), child.uid(), "self", "unregister_actor",
            "uid", child.uid().name() + "|" + child.uid().uuid()));
        assertThat(root.actor().localRegistry()).isEqualTo(before);
        an.cancel();
      });
    }
  }

  @Test
  void aStandaloneRegistrarRefusesThemToo() throws Exception {
    // A registrar of its own, as `jtractor registrar` runs one (a daemon with the shared secret).
    ActorConfig config = ActorConfig.of("registrar", List.of()).withRegistry(Jtractor.defaultRegistry());
    try (Root registrar = Jtractor.openRoot(config.withSecurity(config.security().withSecret(io.jtractor.config.TreeSecret.shared())))) {
      Map<Uid, InetSocketAddress> before = registrar.actor().localRegistry();
      refusedAtTheHandshake(outsider(registrar.address(), stranger(), "self", "cancel"));
      refusedAtTheHandshake(outsider(registrar.address(), stranger(), "self", "register_actor",
          "uid", "evil|0000", "sockaddr", hostPort(registrar.address())));
      assertThat(registrar.actor().localRegistry()).isEqualTo(before);
      assertThat(registrar.actor().cancelRequester()).isNull();
      assertThat(Files.exists(io.jtractor.config.TreeSecret.keyFile())).isTrue();
    }
  }
}
