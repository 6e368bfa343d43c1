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
    PeerChannel.RpcTask t = new PeerChannel.RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.beginLastWords()).isEqualTo("c1");
    assertThat(t.endLastWords()).isNull();
  }

  @Test
  void aCancelAskedWhileTheLastWordsAreWrittenIsAnsweredRightAfterThem() {
    PeerChannel.RpcTask t = new PeerChannel.RpcTask("task");
    assertThat(t.beginLastWords()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue(); // the loop must not answer it itself
    assertThat(t.endLastWords()).isEqualTo("c1");
  }

  @Test
  void aCancelAskedAfterTheLastWordsIsTheLoopsToAnswer() {
    PeerChannel.RpcTask t = new PeerChannel.RpcTask("task");
    assertThat(t.beginLastWords()).isNull();
    assertThat(t.endLastWords()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isFalse();
  }

  @Test
  void theOwedCancelsFunctypeGoesOutOnceWhoeverSendsFirst() {
    // The task's first frame after the cancel, its last words, or the bounded wait: one of them.
    PeerChannel.RpcTask t = new PeerChannel.RpcTask("task");
    assertThat(t.owedCancel()).isNull();
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.owedCancel()).isEqualTo("c1");
    assertThat(t.claimCancelFunctype("c1")).isTrue();
    assertThat(t.claimCancelFunctype("c1")).isFalse();
    assertThat(t.beginLastWords()).isEqualTo("c1");
    assertThat(t.endLastWords()).isNull();
    assertThat(t.owedCancel()).isNull(); // answered with the last words
  }

  @Test
  void aTaskThatNeverStopsHasItsCancelAnsweredByTheBoundedWaitOnce() {
    PeerChannel.RpcTask t = new PeerChannel.RpcTask("task");
    assertThat(t.answerCancelAfterLastWords("c1")).isTrue();
    assertThat(t.giveUpWaiting("c1")).isTrue();
    assertThat(t.beginLastWords()).isNull(); // late words go out alone: the cancel was answered
    assertThat(t.endLastWords()).isNull();
    assertThat(t.giveUpWaiting("c1")).isFalse();
  }
}
