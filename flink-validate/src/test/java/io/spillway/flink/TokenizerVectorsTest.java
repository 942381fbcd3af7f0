package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java tokenizer reproduces the shared vectors the Node and Python handlers are tested against. */
class TokenizerVectorsTest {
  @Test
  void reproducesSharedVectors() throws Exception {
    Path p = Path.of("..", "lambda", "testdata", "vectors.json");
    assumeTrue(Files.exists(p), "lambda/testdata/vectors.json not present");
    JsonNode root = new ObjectMapper().readTree(p.toFile());
    int n = 0;
    for (JsonNode v : root.get("tokenize")) {
      List<String> expected = new ArrayList<>();
      v.get("tokens").forEach(t -> expected.add(t.asText()));
      assertEquals(expected, Tokenizer.tokenize(v.get("text").asText()), v.get("name").asText());
      n++;
    }
    assertEquals(true, n > 10);
  }
}
