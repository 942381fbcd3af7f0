package io.spillway.flink;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Entry point.
 * <pre>
 *   java -jar flink-validate-0.1.0.jar --config job.json            # local MiniCluster with REST (default)
 *   --config-b64 &lt;base64 JSON&gt;                                        # config inline (remote submission)
 *   --mode cluster                                                  # run on the cluster that invoked main()
 * </pre>
 * Exit status: 0 ok; 2 job failed or was cancelled; 3 lost/duplicated records or token mismatch; 64 usage/config error.
 * Stdout lines for the harness: SPILLWAY_REST_URL=..., SPILLWAY_JOB_ID=..., SPILLWAY_RESULT {json}.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_JOB_FAILED = 2;
  public static final int EXIT_CHECK_FAILED = 3;
  public static final int EXIT_USAGE = 64;

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("cluster")) {
      // Running inside a cluster's JobManager (jar run): never System.exit; failures propagate to Flink.
      int code = run(args);
      if (code != EXIT_OK) throw new IllegalStateException("flink-validate exited with status " + code);
      return;
    }
    int code;
    try {
      code = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("spillway flink-validate: " + e.getMessage());
      code = EXIT_USAGE;
    } catch (Throwable t) {
      t.printStackTrace();
      System.out.println("SPILLWAY_RESULT {\"exit_code\":" + EXIT_JOB_FAILED + ",\"job_status\":\"ERROR\",\"failure\":"
          + JobConfig.MAPPER.writeValueAsString(String.valueOf(t)) + "}");
      code = EXIT_JOB_FAILED;
    }
    System.out.flush();
    System.exit(code);
  }

  /** Parses args and runs; returns the exit code (does not call System.exit, for tests). */
  public static int run(String[] args) throws Exception {
    String configPath = null, configB64 = null, mode = "local";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config": configPath = arg(args, ++i); break;
        case "--config-b64": configB64 = arg(args, ++i); break;
        case "--mode": mode = arg(args, ++i); break;
        case "--help": case "-h":
          System.out.println("usage: java -jar flink-validate.jar (--config job.json | --config-b64 B64) [--mode local|cluster|session]");
          return EXIT_OK;
        default: throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    JobConfig cfg;
    try {
      if (configPath != null) cfg = JobConfig.load(Path.of(configPath));
      else if (configB64 != null) cfg = JobConfig.parse(new String(Base64.getDecoder().decode(configB64), StandardCharsets.UTF_8));
      else throw new IllegalArgumentException("--config or --config-b64 is required");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("bad config: " + e.getMessage());
    }
    if ("cluster".equals(mode)) return runOnCluster(cfg);
    if ("session".equals(mode)) return runSession(cfg);
    if (!"local".equals(mode)) throw new IllegalArgumentException("--mode must be local, cluster or session");
    return runLocal(cfg);
  }

  private static String arg(String[] a, int i) {
    if (i >= a.length) throw new IllegalArgumentException("missing value for " + a[i - 1]);
    return a[i];
  }

  static Configuration flinkConfiguration(JobConfig cfg) {
    Configuration conf = new Configuration();
    conf.set(RestOptions.PORT, cfg.restPort);
    conf.set(RestOptions.BIND_ADDRESS, cfg.restBindAddress);
    conf.set(RestOptions.ADDRESS, cfg.restBindAddress);
    conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(cfg.metricsFetchIntervalMs));
    conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(cfg.bufferTimeoutMs));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, cfg.maxParallelism());
    return conf;
  }

  static int runLocal(JobConfig cfg) throws Exception {
    Configuration conf = flinkConfiguration(cfg);
    Path out = Path.of(cfg.outputDir);
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("summary.json"));
    Files.deleteIfExists(out.resolve(LocalTokenizer.SAMPLES_FILE + ".csv"));
    Files.deleteIfExists(out.resolve(io.spillway.flink.offload.OffloadFunction.BATCHES_FILE + ".csv"));
    Files.writeString(out.resolve("job-config.json"), cfg.toJson());
    MiniClusterConfiguration mcc = new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(cfg.maxParallelism())
        .build();
    // Build the graph first so a bad program fails before any cluster starts.
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    JobBuilder.build(env, cfg);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(cfg.jobName);
    JobGraph jobGraph = graph.getJobGraph(Main.class.getClassLoader(), new JobID());
    try (MiniCluster mc = new MiniCluster(mcc)) {
      mc.start();
      URI rest = mc.getRestAddress().get(30, TimeUnit.SECONDS);
      System.out.println("SPILLWAY_REST_URL=" + rest);
      JobID jid = mc.submitJob(jobGraph).get(60, TimeUnit.SECONDS).getJobID();
      System.out.println("SPILLWAY_JOB_ID=" + jid);
      System.out.flush();
      Thread hook = new Thread(() -> {
        try {
          mc.cancelJob(jid).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // best effort on SIGTERM
        }
      }, "spillway-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      JobResult jr = mc.requestJobResult(jid).get();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // shutting down
      }
      mergeSamples(cfg);
      if (cfg.lingerMs > 0) Thread.sleep(cfg.lingerMs);
      return report(cfg, jr.isSuccess(), jobStatus(mc, jid, jr.isSuccess()),
          jr.getSerializedThrowable().map(t -> t.getFullStringifiedStackTrace()).orElse(null));
    }
  }

  /**
   * A local session cluster (MiniCluster with REST and jar upload, no job) until the process is killed: lets the
   * remote path (/jars/upload + /jars/run) be exercised without a real cluster. Uses rest_port and
   * metrics_fetch_interval_ms from the config; slots = max(4, configured parallelism).
   */
  static int runSession(JobConfig cfg) throws Exception {
    Configuration conf = flinkConfiguration(cfg);
    int slots = Math.max(4, cfg.maxParallelism());
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    MiniClusterConfiguration mcc = new MiniClusterConfiguration.Builder()
        .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build();
    MiniCluster mc = new MiniCluster(mcc);
    mc.start();
    System.out.println("SPILLWAY_REST_URL=" + mc.getRestAddress().get(30, TimeUnit.SECONDS));
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> mc.closeAsync(), "spillway-session-shutdown"));
    Thread.currentThread().join();
    return EXIT_OK;
  }

  /** Joins the subtasks' service_times-<i>.csv / offload_batches-<i>.csv parts in the output directory. */
  static void mergeSamples(JobConfig cfg) {
    for (String name : new String[] {LocalTokenizer.SAMPLES_FILE, io.spillway.flink.offload.OffloadFunction.BATCHES_FILE}) {
      try {
        Samples.mergeParts(Path.of(cfg.outputDir), name);
      } catch (Exception e) {
        System.err.println("spillway: could not join the " + name + " parts: " + e);
      }
    }
  }

  /** Terminal job status (portable across Flink 2.2 and 2.3, whose JobResult APIs differ). */
  private static String jobStatus(MiniCluster mc, JobID jid, boolean success) {
    try {
      JobStatus st = mc.getJobStatus(jid).get(5, TimeUnit.SECONDS);
      if (st != null) return st.name();
    } catch (Exception ignored) {
      // fall through
    }
    return success ? "FINISHED" : "FAILED";
  }

  static int runOnCluster(JobConfig cfg) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(cfg));
    JobBuilder.build(env, cfg);
    env.execute(cfg.jobName);
    mergeSamples(cfg); // only finds the parts when the TaskManagers share this file system
    // On a remote cluster the sink writes summary.json on the TaskManager; here we can only report submission.
    Path summary = Path.of(cfg.outputDir, "summary.json");
    if (Files.exists(summary)) return report(cfg, true, "FINISHED", null);
    return EXIT_OK;
  }

  @SuppressWarnings("unchecked")
  static int report(JobConfig cfg, boolean success, String status, String failure) throws Exception {
    Path summary = Path.of(cfg.outputDir, "summary.json");
    Map<String, Object> s = null;
    if (Files.exists(summary)) s = JobConfig.MAPPER.readValue(Files.readAllBytes(summary), Map.class);
    int code;
    if (!success || s == null) code = EXIT_JOB_FAILED;
    else code = Boolean.TRUE.equals(s.get("ok")) ? EXIT_OK : EXIT_CHECK_FAILED;
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    r.put("exit_code", code);
    r.put("job_status", status);
    r.put("output_dir", cfg.outputDir);
    if (s != null) {
      for (String k : new String[] {"ok", "records_generated", "records_emitted", "lost", "duplicated", "token_mismatches",
          "offloaded", "fallbacks", "invocations", "cold_starts", "throttles"}) r.put(k, s.get(k));
      r.put("latency_ms", s.get("latency_ms"));
    }
    if (failure != null) {
      String first = failure.lines().findFirst().orElse(failure);
      r.put("failure", first);
      System.err.println(failure);
    }
    System.out.println("SPILLWAY_RESULT " + JobConfig.MAPPER.writeValueAsString(r));
    return code;
  }

  static Optional<String> env(String k) { return Optional.ofNullable(System.getenv(k)); }
}
