package io.spillway.flink.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spillway.flink.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Python tokenizer's config contract and the modules the jar must carry (the MiniCluster run is npm run test:pyflink). */
class PythonConfigTest {
  private static final String BASE = "{\"duration_s\":1,\"trace\":[[0,10]],\"offload\":{\"enabled\":false},\"tokenizer\":";

  @Test
  void langDefaultsToJavaAndAcceptsPython() throws Exception {
    assertEquals("java", JobConfig.parse(BASE + "{}}").tokenizer.lang);
    JobConfig py = JobConfig.parse(BASE + "{\"lang\":\"python\",\"python_executable\":\"/opt/py/bin/python\"}}");
    assertEquals("python", py.tokenizer.lang);
    assertEquals("/opt/py/bin/python", py.tokenizer.pythonExecutable);
  }

  @Test
  void anUnknownLangIsOneClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(BASE + "{\"lang\":\"rust\"}}"));
    assertEquals("tokenizer.lang must be java or python", e.getMessage());
  }

  @Test
  void theJarCarriesBothPythonModules() throws Exception {
    List<Path> files = PythonTokenizerStage.extractModules();
    assertEquals(List.of("spillway_tokenizer.py", "spillway_udf.py"), files.stream().map(p -> p.getFileName().toString()).toList());
    for (Path f : files) assertEquals(true, Files.size(f) > 0);
    assertEquals(true, Files.readString(files.get(1)).contains("def tokenize(text, work_us, wait_ms)"));
  }
}
