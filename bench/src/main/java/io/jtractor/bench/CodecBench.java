package io.jtractor.bench;

import io.jtractor.wire.Msg;
import io.jtractor.wire.MsgCodec;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.Uid;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our msgpack codec against msgpack-core (the library it replaced, which JDK 24+ warns about for
 * its use of {@code sun.misc.Unsafe}), on the protocol's two most frequent frames: a stream item
 * ({@code {'yield': 42, 'cid': …}}) and a call ({@code {'cmd': [ns, func, kwargs, uid, cid]}}).
 * The baseline is the codec we had before, on msgpack-core with its fastest buffer (Unsafe: the
 * fork gets {@code --sun-misc-unsafe-memory-access=allow}), in the same run.
 *
 * <p>The {@code ...Message...} pairs measure a whole stream item, message object to bytes and back:
 * the generic path ({@code toWire()} builds a map that the encoder walks; the decoder builds a map
 * that {@code Msg.fromWire} reads) against {@link MsgCodec}, which makes neither map.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar CodecBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class CodecBench {
  private Object yieldMsg;
  private Object cmdMsg;
  private byte[] yieldBytes;
  private byte[] cmdBytes;
  private Msg.Yield yieldRecord;

  @Setup
  public void setUp() {
    String cid = "0b7c4bde-7d35-4b4c-9a4f-3c0e3d1c1a11";
    yieldMsg = new Msg.Yield(cid, 42L).toWire();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("value", 42L);
    cmdMsg = new Msg.Cmd("io.jtractor.bench.BenchFuncs", "echo", kwargs, Uid.random("root"), cid).toWire();
    yieldRecord = new Msg.Yield(cid, 42L);
    yieldBytes = Msgpack.encode(yieldMsg);
    cmdBytes = Msgpack.encode(cmdMsg);
  }

  @Benchmark
  public byte[] encodeYieldOurs() {
    return Msgpack.encode(yieldMsg);
  }

  @Benchmark
  public byte[] encodeYieldMsgpackCore() throws Exception {
    return packWithCore(yieldMsg);
  }

  @Benchmark
  public byte[] encodeCmdOurs() {
    return Msgpack.encode(cmdMsg);
  }

  @Benchmark
  public byte[] encodeCmdMsgpackCore() throws Exception {
    return packWithCore(cmdMsg);
  }

  @Benchmark
  public Object decodeYieldOurs() throws Exception {
    return Msgpack.decode(yieldBytes);
  }

  @Benchmark
  public Object decodeYieldMsgpackCore() throws Exception {
    return unpackWithCore(yieldBytes);
  }

  @Benchmark
  public Object decodeCmdOurs() throws Exception {
    return Msgpack.decode(cmdBytes);
  }

  @Benchmark
  public Object decodeCmdMsgpackCore() throws Exception {
    return unpackWithCore(cmdBytes);
  }

  @Benchmark
  public byte[] encodeYieldMessageGeneric() {
    return Msgpack.encode(yieldRecord.toWire());
  }

  @Benchmark
  public byte[] encodeYieldMessageDirect() {
    return MsgCodec.encode(yieldRecord);
  }

  @Benchmark
  public Msg decodeYieldMessageGeneric() throws Exception {
    return Msg.fromWire(Msgpack.decode(yieldBytes));
  }

  @Benchmark
  public Msg decodeYieldMessageDirect() throws Exception {
    return MsgCodec.decode(yieldBytes);
  }

  private static byte[] packWithCore(Object v) {
    return MsgpackCoreCodec.encode(v);
  }

  private static Object unpackWithCore(byte[] b) throws Exception {
    return MsgpackCoreCodec.decode(b);
  }
}
