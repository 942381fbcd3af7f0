package io.spillway.localruntime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The function's handler, found as Lambda's Java runtime finds it: the code directory and its lib/*.jar on a class
 * path, the class from the Handler setting ("pkg.Class" means handleRequest), constructed once per environment, the
 * JSON payload deserialized into the method's declared input type and the result serialized back with Jackson.
 */
final class HandlerCall {
  private final Object instance;
  private final Method method;
  private final JavaType inputType;
  private final boolean stream;

  private HandlerCall(Object instance, Method method, JavaType inputType, boolean stream) {
    this.instance = instance;
    this.method = method;
    this.inputType = inputType;
    this.stream = stream;
  }

  static HandlerCall load(String codeDir, String setting) throws Exception {
    int sep = setting.indexOf("::");
    String className = sep < 0 ? setting : setting.substring(0, sep);
    String methodName = sep < 0 ? "handleRequest" : setting.substring(sep + 2);
    ClassLoader loader = new URLClassLoader(classPath(codeDir), HandlerCall.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    Class<?> cls = Class.forName(className, true, loader);
    if (sep < 0 && RequestStreamHandler.class.isAssignableFrom(cls)) {
      return new HandlerCall(cls.getDeclaredConstructor().newInstance(), null, null, true);
    }
    Method m = findMethod(cls, methodName);
    Object instance = Modifier.isStatic(m.getModifiers()) ? null : cls.getDeclaredConstructor().newInstance();
    m.setAccessible(true);
    JavaType in = m.getParameterCount() == 0 ? null : Bootstrap.JSON.getTypeFactory().constructType(m.getGenericParameterTypes()[0]);
    return new HandlerCall(instance, m, in, false);
  }

  private static URL[] classPath(String codeDir) throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(new File(codeDir).toURI().toURL());
    File[] jars = new File(codeDir, "lib").listFiles((d, n) -> n.endsWith(".jar"));
    if (jars != null) {
      Arrays.sort(jars, Comparator.comparing(File::getName));
      for (File j : jars) urls.add(j.toURI().toURL());
    }
    return urls.toArray(new URL[0]);
  }

  /** The non-bridge public method of that name with the most parameters (input, Context), as Lambda picks it. */
  private static Method findMethod(Class<?> cls, String name) throws NoSuchMethodException {
    Method best = null;
    for (Method m : cls.getMethods()) {
      if (!m.getName().equals(name) || m.isBridge() || m.getParameterCount() > 2) continue;
      if (best == null || m.getParameterCount() > best.getParameterCount()) best = m;
    }
    if (best == null) throw new NoSuchMethodException("No public method named " + name + " with appropriate method signature found on class " + cls.getName());
    return best;
  }

  /** Run the handler on one payload; returns the response body as JSON text. Throws what the handler threw. */
  String call(String payload, Context context) throws Throwable {
    try {
      if (stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((RequestStreamHandler) instance).handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, context);
        return out.size() == 0 ? "null" : out.toString(StandardCharsets.UTF_8);
      }
      Object input = inputType == null ? null : parse(payload);
      Object[] args = method.getParameterCount() == 2 ? new Object[] {input, context} : method.getParameterCount() == 1 ? new Object[] {input} : new Object[0];
      Object result = method.invoke(instance, args);
      return Bootstrap.JSON.writeValueAsString(result);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object parse(String payload) {
    try {
      return Bootstrap.JSON.readValue(payload, inputType);
    } catch (Exception e) {
      throw new PayloadParseError(e);
    }
  }

  /** A payload that does not fit the handler's input type; reported as the Java runtime reports it. */
  static final class PayloadParseError extends RuntimeException {
    PayloadParseError(Exception cause) {
      super("An error occurred during JSON parsing", cause);
    }
  }
}
