package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who answers a {@code _cancel_task}: the cancelled task, right after its last words, or the
 * message loop when the task has none left to send. Its return must never precede the last words.
 */
@DisplayName("_cancel_task answers: never before the cancelled task's last words")
class CancelAnswerTest {
  @Test
  void aCancelAskedBeforeTheLastWordsLeavesWithThem() {
    RpcTask t = new RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.beginLastWords()).isEqualTo("c1");
    assertThat(t.endLastWords()).isNull();
  }

  @Test
  void aCancelAskedWhileTheLastWordsAreWrittenIsAnsweredRightAfterThem() {
    RpcTask t = new RpcTask("task");
    assertThat(t.beginLastWords()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue(); // the loop must not answer it itself
    assertThat(t.endLastWords()).isEqualTo("c1");
  }

  @Test
  void aCancelAskedAfterTheLastWordsIsTheLoopsToAnswer() {
    RpcTask t = new RpcTask("task");
    assertThat(t.beginLastWords()).isNull();
    assertThat(t.endLastWords()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isFalse();
  }

  @Test
  void theOwedCancelsFunctypeGoesOutOnceWhoeverSendsFirst() {
    // The task's first frame after the cancel, its last words, or the bounded wait: one of them.
    RpcTask t = new RpcTask("task");
    assertThat(t.owedCancel()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.owedCancel()).isEqualTo("c1");
    t.answerLock.lock();
    try {
      assertThat(t.claimCancelFunctype("c1")).isTrue();
      assertThat(t.claimCancelFunctype("c1")).isFalse();
    } finally {
      t.answerLock.unlock();
    }
    assertThat(t.beginLastWords()).isEqualTo("c1");
    assertThat(t.endLastWords()).isNull();
    assertThat(t.owedCancel()).isNull(); // answered with the last words
  }

  @Test
  void aSecondCancelArrivingWhileTheLastWordsAreWrittenGetsItsOwnFunctype() {
    // Review finding: one claim per task lost the second cancel's functype (its caller then failed
    // with "expected functype, got return").
    RpcTask t = new RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    t.answerLock.lock();
    try {
      assertThat(t.beginLastWords()).isEqualTo("c1");
      assertThat(t.claimCancelFunctype("c1")).isTrue(); // goes out with the last words
      assertThat(t.answerCancelAfterLastWords("c2")).isTrue(); // arrives during that write
    } finally {
      t.answerLock.unlock();
    }
    assertThat(t.endLastWords()).isEqualTo("c2");
    t.answerLock.lock();
    try {
      assertThat(t.claimCancelFunctype("c2")).isTrue();
    } finally {
      t.answerLock.unlock();
    }
  }

  @Test
  void furtherCancelsRecordedWhileOneIsOwedAreTakenOnceWithIt() {
    RpcTask t = new RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.answerCancelAfterLastWords("c2")).isFalse(); // c1 is owed: the loop records c2
    t.answerLock.lock();
    try {
      t.alsoOwe("c2");
      t.alsoOwe("c3");
      assertThat(t.beginLastWords()).isEqualTo("c1");
      assertThat(t.takeAlsoOwed()).containsExactly("c2", "c3"); // returned after c1's, with the words
      assertThat(t.takeAlsoOwed()).isEmpty();
    } finally {
      t.answerLock.unlock();
    }
  }

  @Test
  void aTaskThatNeverStopsHasItsCancelAnsweredByTheBoundedWaitOnce() {
    RpcTask t = new RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.giveUpWaiting("c1")).isTrue();
    assertThat(t.beginLastWords()).isNull(); // late words go out alone: the cancel was answered
    assertThat(t.endLastWords()).isNull();
    assertThat(t.giveUpWaiting("c1")).isFalse();
  }
}
