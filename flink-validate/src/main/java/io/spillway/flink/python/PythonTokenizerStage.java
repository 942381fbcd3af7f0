package io.spillway.flink.python;

import io.spillway.flink.JobBuilder;
import io.spillway.flink.JobConfig;
import io.spillway.flink.Line;
import io.spillway.flink.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The tokenizer as a Python table function (design in docs/PYFLINK.md): the Java DataStream job stays as it is, and
 * only this stage goes through the Table API, so source, router, offload and sink are the same classes in both
 * languages.
 * <pre>
 *   routed ─► tokenizer-input (Java map: row + work) ─► PythonCorrelate (spillway_udf.tokenize, Python worker)
 *          ─► tokenizer (Java map: Result + service-time sample) ─► sink
 * </pre>
 * All of it runs at the tokenizer's parallelism and chains into one task whose name ends in "tokenizer", so the
 * harness finds its metrics as for the Java operator. Needs the job jar built with -Ppython (Table planner and
 * flink-python) and an interpreter with apache-flink==2.3.0 ({@code tokenizer.python_executable}).
 */
public final class PythonTokenizerStage {
  public static final String INPUT = "tokenizer-input";
  public static final String FUNCTION = "spillway_tokenize";
  static final String[] MODULES = {"spillway_tokenizer.py", "spillway_udf.py"};
  /**
   * Records in flight between the Java task and the Python worker: Flink's default (100,000) would hide a queue of
   * that size in the worker, invisible to backpressure; 1,000 keeps the hidden queue small next to Flink's buffers.
   */
  static final int BUNDLE_SIZE = 1000;

  private PythonTokenizerStage() {}

  public static DataStream<Result> attach(StreamExecutionEnvironment env, DataStream<Line> routed, JobConfig cfg) {
    int p = cfg.parallelism.tokenizer;
    JobConfig.TokenizerCfg tok = cfg.tokenizer;
    DataStream<Row> rows = routed
        .map(new PythonInput(tok.workUsPerRecord, tok.waits() ? tok.sampler() : null, cfg.seed), PythonInput.rowType())
        .name(INPUT).uid(INPUT)
        .setParallelism(p)
        .startNewChain();
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
    configure(tEnv.getConfig(), cfg);
    tEnv.createTemporaryView("spillway_lines", rows);
    tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION " + FUNCTION + " AS 'spillway_udf.tokenize' LANGUAGE PYTHON");
    Table out = tEnv.sqlQuery("SELECT seq, t, expected, n, service_ns FROM spillway_lines, "
        + "LATERAL TABLE(" + FUNCTION + "(text, work_us, wait_ms)) AS T(n, service_ns)");
    return tEnv.toDataStream(out)
        .map(new PythonResult(cfg.outputDir), TypeInformation.of(Result.class))
        .name(JobBuilder.TOKENIZER).uid(JobBuilder.TOKENIZER)
        .setParallelism(p);
  }

  /** The Python worker's settings: interpreter, our modules, process mode, bundle bounds. */
  static void configure(TableConfig tc, JobConfig cfg) {
    tc.set("python.executable", cfg.tokenizer.pythonExecutable);
    tc.set("python.client.executable", cfg.tokenizer.pythonExecutable);
    tc.set("python.files", String.join(",", extractModules().stream().map(Path::toString).toList()));
    // process mode: a separate Python worker per task (the "Python worker" docs/PYFLINK.md measures), not embedded
    tc.set("python.execution-mode", "process");
    tc.set("python.fn-execution.bundle.size", Integer.toString(BUNDLE_SIZE));
    // results come back at the latest at the end of a bundle: as often as Flink's own buffers are flushed
    tc.set("python.fn-execution.bundle.time", Long.toString(Math.max(1, cfg.bufferTimeoutMs)));
    tc.set("table.exec.resource.default-parallelism", Integer.toString(cfg.parallelism.tokenizer));
  }

  /** The UDF's modules, copied from the jar into a fresh temporary folder (Flink ships them to the worker). */
  static java.util.List<Path> extractModules() {
    try {
      Path dir = Files.createTempDirectory("spillway-pyflink-");
      dir.toFile().deleteOnExit();
      java.util.List<Path> paths = new java.util.ArrayList<>();
      for (String m : MODULES) {
        Path f = dir.resolve(m);
        try (InputStream in = PythonTokenizerStage.class.getResourceAsStream("/python/" + m)) {
          if (in == null) throw new IllegalStateException("python/" + m + " is missing from the job jar");
          Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        f.toFile().deleteOnExit();
        paths.add(f);
      }
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
