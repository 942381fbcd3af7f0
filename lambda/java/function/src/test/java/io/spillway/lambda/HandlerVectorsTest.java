package io.spillway.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java handler on lambda/testdata/vectors.json, the vectors the Node and Python handlers pass. Events are parsed
 * to plain Objects with Jackson, as the Lambda Java runtime hands them to a RequestHandler&lt;Object, …&gt;.
 */
class HandlerVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> V = load();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    try {
      return JSON.readValue(Path.of("..", "..", "testdata", "vectors.json").toFile(), Map.class);
    } catch (Exception e) {
      throw new IllegalStateException("lambda/testdata/vectors.json: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> cases(String group) {
    return (List<Map<String, Object>>) V.get(group);
  }

  /** Round trip through JSON text, so numbers compare as JSON numbers (2000 and 2000.0 alike would not). */
  private static Object asJson(Object o) throws Exception {
    return JSON.readValue(JSON.writeValueAsString(o), Object.class);
  }

  @TestFactory
  Stream<DynamicTest> tokenizeVectors() {
    return cases("tokenize").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      Map<String, Object> event = Map.of("op", "tokenize", "records", List.of(Map.of("seq", 1, "t", 5, "text", c.get("text"))));
      Map<String, Object> out = new Handler().handleRequest(asJson(event), null);
      Map<String, Object> expected = Map.of("seq", 1, "t", 5, "tokens", c.get("tokens"));
      assertEquals(List.of(expected), asJson(out.get("records")));
    }));
  }

  @TestFactory
  Stream<DynamicTest> windowCountVectors() {
    return cases("window_count").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      Map<String, Object> event = Map.of("op", "window_count", "window_ms", c.get("window_ms"), "records", c.get("records"));
      Map<String, Object> out = new Handler().handleRequest(asJson(event), null);
      assertEquals(c.get("partials"), asJson(out.get("partials")));
      assertFalse(out.containsKey("records"));
    }));
  }

  @TestFactory
  Stream<DynamicTest> windowSumVectors() {
    return cases("window_sum").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      Map<String, Object> event = Map.of("op", "window_sum", "window_ms", c.get("window_ms"), "records", c.get("records"));
      Map<String, Object> out = new Handler().handleRequest(asJson(event), null);
      assertEquals(c.get("partials"), asJson(out.get("partials")));
    }));
  }

  @Test
  void windowSumAddsValuesPerWindowAndKey() throws Exception {
    // hand-computed: key a in [0, 1000): 3 + 40 = 43 over 2 records; in [1000, 2000): 5
    Object event = asJson(Map.of("op", "window_sum", "window_ms", 1000, "records", List.of(
        Map.of("seq", 1, "t", 10, "key", "a", "value", 3), Map.of("seq", 2, "t", 1010, "key", "a", "value", 5),
        Map.of("seq", 3, "t", 999, "key", "a", "value", 40))));
    Object partials = asJson(new Handler().handleRequest(event, null).get("partials"));
    assertEquals(asJson(List.of(Map.of("window_start", 0, "key", "a", "count", 2, "sum", 43),
        Map.of("window_start", 1000, "key", "a", "count", 1, "sum", 5))), partials);
    Object bad = asJson(Map.of("op", "window_sum", "window_ms", 1000, "records", List.of(Map.of("seq", 1, "t", 0, "key", "a", "value", 2.5))));
    assertEquals("invalid payload: records[0].value must be an integer",
        assertThrows(IllegalArgumentException.class, () -> new Handler().handleRequest(bad, null)).getMessage());
  }

  @TestFactory
  Stream<DynamicTest> invalidVectors() {
    return cases("invalid").stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
      Object event = asJson(c.get("event"));
      assertThrows(IllegalArgumentException.class, () -> new Handler().handleRequest(event, null));
    }));
  }

  @Test
  void vectorCountsAreTheFileS() {
    // Guards against a vectors.json the test silently reads nothing from.
    assertTrue(cases("tokenize").size() >= 20, "tokenize vectors");
    assertTrue(cases("window_count").size() >= 5, "window vectors");
    assertTrue(cases("window_sum").size() >= 4, "window_sum vectors");
    assertEquals(15, cases("invalid").size());
  }

  @Test
  void firstMessagesMatchTheOtherHandlers() throws Exception {
    List<String> got = new ArrayList<>();
    for (String json : List.of("[1,2]", "{\"op\":\"sum\",\"records\":[]}", "{\"op\":\"tokenize\",\"records\":[{\"seq\":1.5,\"t\":0,\"text\":\"a\"}]}")) {
      Object event = JSON.readValue(json, Object.class);
      got.add(assertThrows(IllegalArgumentException.class, () -> new Handler().handleRequest(event, null)).getMessage());
    }
    assertEquals(List.of("invalid payload: event must be a JSON object", "unknown op: \"sum\"", "invalid payload: records[0].seq must be an integer"), got);
  }

  @Test
  void environmentFieldsAndCpuWork() throws Exception {
    // 2,000 µs of spin for the one record: duration_ms cannot be below 2.
    Object event = JSON.readValue("{\"op\":\"tokenize\",\"work_us_per_record\":2000,\"records\":[{\"seq\":7,\"t\":1000,\"text\":\"Hello, Flink!\"}]}", Object.class);
    Handler h = new Handler();
    Map<String, Object> a = h.handleRequest(event, null);
    Map<String, Object> b = h.handleRequest(event, null);
    assertEquals(List.of(Map.of("seq", 7, "t", 1000, "tokens", List.of("hello", "flink"))), asJson(a.get("records")));
    assertEquals(Handler.ENV_ID, b.get("env"));
    assertEquals(a.get("env"), b.get("env"));
    assertFalse((Boolean) b.get("cold"));
    assertFalse(b.containsKey("init_ms"));
    for (Map<String, Object> r : List.of(a, b)) assertTrue((Double) r.get("duration_ms") >= 2.0, "duration_ms " + r.get("duration_ms"));
  }

  @Test
  void waitModeHoldsTheBatch() throws Exception {
    Object event = JSON.readValue("{\"op\":\"tokenize\",\"wait_ms\":15,\"records\":[{\"seq\":1,\"t\":1,\"text\":\"a b\"}]}", Object.class);
    Map<String, Object> out = new Handler().handleRequest(event, null);
    assertTrue((Double) out.get("duration_ms") >= 15.0, "duration_ms " + out.get("duration_ms"));
    assertEquals(List.of(Map.of("seq", 1, "t", 1, "tokens", List.of("a", "b"))), asJson(out.get("records")));
  }

  @Test
  void fractionalTimesKeepTheirValueAndShareWholeWindows() throws Exception {
    Object event = JSON.readValue("{\"op\":\"window_count\",\"window_ms\":1000,\"records\":[{\"seq\":1,\"t\":2500.5,\"key\":\"a\"},{\"seq\":2,\"t\":2999,\"key\":\"a\"},{\"seq\":3,\"t\":-0.5,\"key\":\"a\"}]}", Object.class);
    Map<String, Object> out = new Handler().handleRequest(event, null);
    assertEquals(JSON.readValue("[{\"window_start\":2000,\"key\":\"a\",\"count\":2},{\"window_start\":-1000,\"key\":\"a\",\"count\":1}]", Object.class), asJson(out.get("partials")));
  }
}
