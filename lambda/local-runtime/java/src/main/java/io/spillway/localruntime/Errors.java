package io.spillway.localruntime;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The error document the Lambda Java runtime returns: errorMessage, errorType (the class name), stackTrace. */
final class Errors {
  private Errors() {}

  static Map<String, Object> fields(Throwable t, String requestId) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean parse = t instanceof HandlerCall.PayloadParseError;
    m.put("errorMessage", t.getMessage() == null ? t.toString() : t.getMessage());
    m.put("errorType", parse ? "java.lang.RuntimeException" : t.getClass().getName());
    List<String> trace = new ArrayList<>();
    for (StackTraceElement e : t.getStackTrace()) trace.add(e.toString());
    m.put("stackTrace", trace);
    if (t.getCause() != null) m.put("cause", Map.of("errorMessage", String.valueOf(t.getCause().getMessage()), "errorType", t.getCause().getClass().getName()));
    return m;
  }

  /** Init failures arrive wrapped (class initialisation, reflection); report what the function threw. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof ExceptionInInitializerError || cur instanceof InvocationTargetException) && cur.getCause() != null) cur = cur.getCause();
    return cur;
  }
}
