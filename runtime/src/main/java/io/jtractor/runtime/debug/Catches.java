package io.jtractor.runtime.debug;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Whether a catch in user code really handles an exception, read from the class files: a {@code
 * finally} block, a try-with-resources (javac's {@code catch (Throwable t) {close; throw t;}}) and
 * any handler that stores the exception and throws that same variable again on its straight path
 * do not handle it, they only run on the way out. The debugger stops at the throw site of an
 * exception that leaves user code that way, e.g. one thrown in the body of {@code try (Root root =
 * ...)} in {@code main}, before the root closes.
 *
 * <p>"Straight path": from the handler, instructions in order, following forward {@code goto}s, not
 * taking conditional branches (the {@code close()} of a try-with-resources is skipped when the
 * resource is null, so both ways reach the rethrow), until a return, a throw, or a store into the
 * exception's variable. A handler that rethrows only on some condition counts as rethrowing.
 *
 * <p>Thread rule: the cache is concurrent; everything else is local.
 */
final class Catches {
  private Catches() {}

  /** How many instructions the straight path may run before it counts as handling. */
  private static final int PATH_LIMIT = 2000;

  /** A method's exception table and instructions by bytecode index; empty if its class file was not found. */
  private record Code(List<Handler> handlers, TreeMap<Integer, Instruction> at, Map<Instruction, Integer> targets) {}

  /** One exception table entry; {@code type} is an internal name, null for "any" (finally). */
  record Handler(int start, int end, int pc, String type) {}

  private static final Map<String, Optional<Code>> CACHE = new ConcurrentHashMap<>();

  /**
   * Whether the handler at {@code handlerPc} of {@code className.method(descriptor)} rethrows what
   * it caught; false when it handles it or the class file cannot be read.
   */
  static boolean rethrows(ClassLoader loader, String className, String method, String descriptor, int handlerPc) {
    Optional<Code> code = code(loader, className, method, descriptor);
    return code.isPresent() && rethrows(code.get(), handlerPc);
  }

  /**
   * The handler a frame runs for an exception thrown at {@code bci} (a call's index in outer frames),
   * or null if the method has none for it; {@code isA} tells whether the exception is an instance of
   * a class (internal name).
   *
   * @return null also when the class file cannot be read: then {@link #UNKNOWN}
   */
  static Handler handlerFor(ClassLoader loader, String className, String method, String descriptor, int bci, Predicate<String> isA) {
    Optional<Code> code = code(loader, className, method, descriptor);
    if (code.isEmpty()) return UNKNOWN;
    for (Handler h : code.get().handlers) {
      if (h.start <= bci && bci < h.end && (h.type == null || isA.test(h.type))) return h;
    }
    return null;
  }

  /** What {@link #handlerFor} answers when the class file cannot be read. */
  static final Handler UNKNOWN = new Handler(-1, -1, -1, "?");

  /** Whether the handler at {@code pc} rethrows in {@code className.method(descriptor)}. */
  static boolean rethrowsAt(ClassLoader loader, String className, String method, String descriptor, Handler h) {
    return h.type == null || rethrows(loader, className, method, descriptor, h.pc);
  }

  private static boolean rethrows(Code code, int handlerPc) {
    Instruction first = code.at.get(handlerPc);
    if (!(first instanceof StoreInstruction store)) return false; // the exception is dropped (pop)
    int slot = store.slot();
    Integer pc = code.at.higherKey(handlerPc);
    Instruction previous = first;
    for (int steps = 0; pc != null && steps < PATH_LIMIT; steps++) {
      Instruction i = code.at.get(pc);
      Opcode op = i.opcode();
      if (op == Opcode.ATHROW) return previous instanceof LoadInstruction load && load.slot() == slot;
      if (i instanceof StoreInstruction s && s.slot() == slot) return false;
      if (op.kind() == Opcode.Kind.RETURN) return false;
      if (i instanceof BranchInstruction b && (op == Opcode.GOTO || op == Opcode.GOTO_W)) {
        Integer to = code.targets.get(b);
        if (to == null || to <= pc) return false; // a loop: not a straight way out
        pc = to;
      } else if (op == Opcode.TABLESWITCH || op == Opcode.LOOKUPSWITCH || op == Opcode.RET || op == Opcode.JSR || op == Opcode.JSR_W) {
        return false;
      } else {
        pc = code.at.higherKey(pc);
      }
      previous = i;
    }
    return false;
  }

  private static Optional<Code> code(ClassLoader loader, String className, String method, String descriptor) {
    String key = className + "." + method + descriptor;
    Optional<Code> cached = CACHE.get(key);
    if (cached != null) return cached;
    Optional<Code> read = read(loader, className, method, descriptor);
    if (CACHE.size() < 4096) CACHE.put(key, read);
    return read;
  }

  private static Optional<Code> read(ClassLoader loader, String className, String method, String descriptor) {
    byte[] bytes;
    try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
      if (in == null) return Optional.empty();
      bytes = in.readAllBytes();
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      ClassModel cm = ClassFile.of().parse(bytes);
      for (MethodModel m : cm.methods()) {
        if (!m.methodName().equalsString(method) || !m.methodType().equalsString(descriptor)) continue;
        Optional<CodeAttribute> attr = m.findAttribute(Attributes.code());
        if (attr.isEmpty()) return Optional.empty();
        return Optional.of(model(attr.get()));
      }
    } catch (IllegalArgumentException malformed) {
      // not a class file we can read: as if absent
    }
    return Optional.empty();
  }

  private static Code model(CodeAttribute ca) {
    List<Handler> handlers = new ArrayList<>();
    for (ExceptionCatch ec : ca.exceptionHandlers()) {
      handlers.add(new Handler(ca.labelToBci(ec.tryStart()), ca.labelToBci(ec.tryEnd()), ca.labelToBci(ec.handler()),
          ec.catchType().map(c -> c.asInternalName()).orElse(null)));
    }
    TreeMap<Integer, Instruction> at = new TreeMap<>();
    Map<Instruction, Integer> targets = new java.util.IdentityHashMap<>();
    int bci = 0;
    for (CodeElement e : ca.elementList()) {
      if (e instanceof Instruction i) {
        at.put(bci, i);
        if (i instanceof BranchInstruction b) targets.put(b, ca.labelToBci(b.target()));
        bci += i.sizeInBytes();
      }
    }
    return new Code(handlers, at, targets);
  }
}
