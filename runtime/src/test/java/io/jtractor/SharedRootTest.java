package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;

import io.jtractor.funcs.Funcs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * For test classes that share one root actor (exposing {@link Funcs}) across their tests: opens
 * it before, closes it after, and checks after every test and at the end that no process was
 * left behind.
 */
abstract class SharedRootTest {
  static Root root;

  @BeforeAll
  static void openRoot() {
    root = Jtractor.openRoot("root", Funcs.class);
  }

  @AfterAll
  static void closeRoot() {
    root.close();
    assertNoProcessLeft();
  }

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }
}
