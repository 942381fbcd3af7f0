package io.spillway.flink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The job config ({@code --config job.json}); the contract with the TypeScript harness. See README.md. */
@JsonIgnoreProperties(ignoreUnknown = false)
public class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  @JsonProperty("$schema") public String schema;
  @JsonProperty("comment") public String comment;
  @JsonProperty("run_id") public String runId;
  @JsonProperty("seed") public long seed = 1;
  @JsonProperty("duration_s") public double durationS = 10;
  /** [[t_s, rate], ...] piecewise-constant records/s. */
  @JsonProperty("trace") public List<double[]> trace = new ArrayList<>();
  /** Delay between the source enumerator starting and t = 0 of the trace. */
  @JsonProperty("start_delay_ms") public long startDelayMs = 1000;
  /** Safety stop for the control source (and drain) after the trace ends. */
  @JsonProperty("max_drain_s") public double maxDrainS = 300;
  @JsonProperty("parallelism") public Parallelism parallelism = new Parallelism();
  @JsonProperty("tokenizer") public TokenizerCfg tokenizer = new TokenizerCfg();
  @JsonProperty("text") public TextCfg text = new TextCfg();
  @JsonProperty("buffer_timeout_ms") public long bufferTimeoutMs = 100;
  /** 0 = pick a free port (printed on stdout). */
  @JsonProperty("rest_port") public int restPort = 8081;
  @JsonProperty("rest_bind_address") public String restBindAddress = "127.0.0.1";
  @JsonProperty("metrics_fetch_interval_ms") public long metricsFetchIntervalMs = 1000;
  @JsonProperty("output_dir") public String outputDir = "out/flink-validate";
  @JsonProperty("job_name") public String jobName = "spillway-validate";
  /** Keep the MiniCluster (and its REST API) up this long after the job ends, for a final metrics read. */
  @JsonProperty("linger_ms") public long lingerMs = 0;
  @JsonProperty("control") public ControlCfg control = new ControlCfg();
  /** A benchmark shape (Nexmark q1/q5, YSB) instead of the tokenizer job; null = the tokenizer job. */
  @JsonProperty("shape") public io.spillway.flink.shapes.ShapeCfg shape;
  @JsonProperty("initial_decision") public Decision initialDecision = new Decision(0, 0.0, 100, 50, 8);
  @JsonProperty("offload") public OffloadCfg offload = new OffloadCfg();
  /** The scenario's dataflow graph; null = the tokenizer shape (JobBuilder). See README.md, "Scenario graphs". */
  @JsonProperty("graph") public io.spillway.flink.graph.GraphSpec graph;

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class Parallelism implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("source") public int source = 1;
    @JsonProperty("router") public int router = 1;
    @JsonProperty("tokenizer") public int tokenizer = 1;
    @JsonProperty("offload") public int offload = 1;
    /** Always 1 (the exactly-once checker needs every result); accepted for symmetry. */
    @JsonProperty("sink") public int sink = 1;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class TokenizerCfg implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("work_us_per_record") public long workUsPerRecord = 0;
    /**
     * "cpu" (busy-spin work_us_per_record per record) or "wait" (park the task thread for a service time drawn from
     * service_ms with a seeded stream; the function handler holds its batch with a timer). See README.md, "Work modes".
     */
    @JsonProperty("mode") public String mode = "cpu";
    /** The scenario's service-time distribution, ms (wait mode); null = deterministic work_us_per_record. */
    @JsonProperty("service_ms") public Map<String, Object> serviceMs;
    /** "java" (LocalTokenizer) or "python" (a PyFlink UDTF, see python/PythonTokenizerStage and docs/PYFLINK.md). */
    @JsonProperty("lang") public String lang = "java";
    /** Python mode: the interpreter with apache-flink installed (the Python worker and the planner's client). */
    @JsonProperty("python_executable") public String pythonExecutable = "python3";

    public boolean waits() { return "wait".equals(mode); }

    /** The wait-mode sampler (service_ms, else deterministic work_us_per_record), unseeded. */
    public WorkSampler sampler() {
      return new WorkSampler(serviceMs != null ? serviceMs : Map.of("type", "deterministic", "value", workUsPerRecord / 1000.0));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class TextCfg implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("words_min") public int wordsMin = 5;
    @JsonProperty("words_max") public int wordsMax = 15;
    @JsonProperty("vocabulary") public List<String> vocabulary;
    @JsonProperty("corpus") public List<String> corpus;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class ControlCfg implements Serializable {
    private static final long serialVersionUID = 1L;
    /** GET returns the latest decision JSON; null = keep initial_decision for the whole run. */
    @JsonProperty("url") public String url;
    @JsonProperty("poll_ms") public long pollMs = 150;
    @JsonProperty("http_timeout_ms") public long httpTimeoutMs = 1000;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class OffloadCfg implements Serializable {
    private static final long serialVersionUID = 1L;
    /** false = no offload path at all (router still runs; share is forced to 0). */
    @JsonProperty("enabled") public boolean enabled = true;
    @JsonProperty("function_name") public String functionName = "spillway-offload";
    /** Local Invoke-API endpoint (e.g. http://127.0.0.1:9001); null = real AWS (default credentials + region chain). */
    @JsonProperty("endpoint_url") public String endpointUrl;
    /** Region override; null = default region chain (or us-east-1 for a local endpoint). */
    @JsonProperty("region") public String region;
    /** Shared-config profile for the credentials (validate --profile); null = the default credentials chain. */
    @JsonProperty("profile") public String profile;
    @JsonProperty("qualifier") public String qualifier;
    /** "ordered" or "unordered" Async I/O. */
    @JsonProperty("mode") public String mode = "unordered";
    /** Async I/O capacity (max batches queued or in flight per subtask); the decision's maxInFlight is capped by it. */
    @JsonProperty("async_capacity") public int asyncCapacity = 64;
    @JsonProperty("attempt_timeout_ms") public long attemptTimeoutMs = 10000;
    @JsonProperty("max_attempts") public int maxAttempts = 3;
    @JsonProperty("backoff_base_ms") public long backoffBaseMs = 100;
    @JsonProperty("throttle_backoff_base_ms") public long throttleBackoffBaseMs = 500;
    @JsonProperty("backoff_max_ms") public long backoffMaxMs = 20000;
    /** Async I/O timeout for the whole batch (queueing + attempts + backoff); null = derived. */
    @JsonProperty("batch_timeout_ms") public Long batchTimeoutMs;
    /** work_us_per_record sent to the function; null = tokenizer.work_us_per_record. */
    @JsonProperty("work_us_per_record") public Long workUsPerRecord;
    @JsonProperty("max_connections") public int maxConnections = 256;
    /** One DryRun invoke when the offload task opens (warms the SDK client; no function run, no cold start). */
    @JsonProperty("warmup") public boolean warmup = true;
    /** Wait mode: the function holds each batch for the sum of its records' service draws x work_factor. */
    @JsonProperty("work_factor") public double workFactor = 1.0;
    /** "lambda" (the Invoke API) or "azure" (an Azure Functions HTTP trigger, offload.AzureInvoker). */
    @JsonProperty("platform") public String platform = "lambda";
    /** Azure: the function URL (https://APP.azurewebsites.net/api/NAME); null = endpoint_url + /api/ + function_name. */
    @JsonProperty("function_url") public String functionUrl;
    /** Azure: the environment variable holding the function key (never the key itself); null = SPILLWAY_AZURE_FUNCTION_KEY. */
    @JsonProperty("function_key_env") public String functionKeyEnv;

    public String azureFunctionUrl() {
      if (functionUrl != null && !functionUrl.isBlank()) return functionUrl;
      if (endpointUrl == null || endpointUrl.isBlank()) throw new IllegalArgumentException("offload.platform azure needs offload.function_url or offload.endpoint_url");
      return endpointUrl.replaceAll("/+$", "") + "/api/" + functionName;
    }

    public long effectiveBatchTimeoutMs() {
      if (batchTimeoutMs != null) return batchTimeoutMs;
      return maxAttempts * (attemptTimeoutMs + backoffMaxMs) + 60_000;
    }
  }

  public static JobConfig parse(String json) throws IOException {
    JobConfig c = MAPPER.readValue(json, JobConfig.class);
    c.validate();
    return c;
  }

  public static JobConfig load(Path path) throws IOException {
    return parse(Files.readString(path));
  }

  public String toJson() {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void validate() {
    if (shape != null) shape.validate();
    if (runId == null || runId.isBlank()) runId = UUID.randomUUID().toString();
    if (!(durationS > 0)) throw new IllegalArgumentException("duration_s must be > 0");
    new Trace(trace, durationS); // validates points
    Parallelism p = parallelism;
    if (p.source < 1 || p.router < 1 || p.tokenizer < 1 || p.offload < 1)
      throw new IllegalArgumentException("parallelism values must be >= 1");
    if (p.sink != 1) throw new IllegalArgumentException("parallelism.sink must be 1");
    if (!"ordered".equals(offload.mode) && !"unordered".equals(offload.mode))
      throw new IllegalArgumentException("offload.mode must be ordered or unordered");
    if (offload.asyncCapacity < 1) throw new IllegalArgumentException("offload.async_capacity must be >= 1");
    if (offload.maxAttempts < 1) throw new IllegalArgumentException("offload.max_attempts must be >= 1");
    if (!"lambda".equals(offload.platform) && !"azure".equals(offload.platform))
      throw new IllegalArgumentException("offload.platform must be lambda or azure");
    if (offload.enabled && "azure".equals(offload.platform)) java.net.URI.create(offload.azureFunctionUrl());
    if (offload.enabled && (offload.functionName == null || offload.functionName.isBlank()))
      throw new IllegalArgumentException("offload.function_name is required");
    if (tokenizer.workUsPerRecord < 0) throw new IllegalArgumentException("tokenizer.work_us_per_record must be >= 0");
    if (!"cpu".equals(tokenizer.mode) && !"wait".equals(tokenizer.mode))
      throw new IllegalArgumentException("tokenizer.mode must be cpu or wait");
    if (tokenizer.waits()) tokenizer.sampler();
    if (!"java".equals(tokenizer.lang) && !"python".equals(tokenizer.lang))
      throw new IllegalArgumentException("tokenizer.lang must be java or python");
    if (!(offload.workFactor > 0) || !Double.isFinite(offload.workFactor))
      throw new IllegalArgumentException("offload.work_factor must be > 0");
    if (control.pollMs < 10) throw new IllegalArgumentException("control.poll_ms must be >= 10");
    if (initialDecision == null) initialDecision = new Decision(0, 0.0, 100, 50, 8);
    initialDecision = initialDecision.sanitized();
    new TextGen(seed, text.wordsMin, text.wordsMax, text.vocabulary, text.corpus);
    if (graph != null) io.spillway.flink.graph.GraphBuilder.check(this);
  }

  public Trace traceModel() { return new Trace(trace, durationS); }

  public TextGen textGen() { return new TextGen(seed, text.wordsMin, text.wordsMax, text.vocabulary, text.corpus); }

  public long offloadWorkUs() {
    return offload.workUsPerRecord != null ? offload.workUsPerRecord : tokenizer.workUsPerRecord;
  }

  public int maxParallelism() {
    if (graph != null) return graph.vertices.stream().mapToInt(v -> v.parallelism).max().orElse(1);
    if (shape != null) return shape.parallelism.values().stream().reduce(1, Math::max);
    return Math.max(Math.max(parallelism.source, parallelism.router), Math.max(parallelism.tokenizer, parallelism.offload));
  }
}
