package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.graph.GraphBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The scenario-to-job builder: each vertex kind, partitioning, chaining, naming by id, and bad graphs. */
class GraphBuilderTest {
  /** source(2) -fwd-> parse map(2) -rebalance-> words flatMap(3) -fwd-> keep filter(3) -hash-> counts window(2) -rebalance-> sink(1) */
  static String graph(String extraTop, String edgeExtra) {
    return "{\"seed\":5,\"duration_s\":2,\"trace\":[[0,500]],\"rest_port\":0,\"offload\":{\"enabled\":false},"
        + "\"graph\":{" + extraTop + "\"keys\":{\"count\":10,\"zipf_s\":1},\"vertices\":["
        + "{\"id\":\"src\",\"kind\":\"source\",\"parallelism\":2,\"work_us_per_record\":1},"
        + "{\"id\":\"parse\",\"kind\":\"map\",\"parallelism\":2,\"work_us_per_record\":1},"
        + "{\"id\":\"words\",\"kind\":\"flatMap\",\"parallelism\":3,\"selectivity\":{\"type\":\"poisson\",\"mean\":2}},"
        + "{\"id\":\"keep\",\"kind\":\"filter\",\"parallelism\":3,\"selectivity\":{\"type\":\"bernoulli\",\"p\":0.5}},"
        + "{\"id\":\"counts\",\"kind\":\"window\",\"parallelism\":2,\"window\":{\"size_ms\":500}},"
        + "{\"id\":\"out\",\"kind\":\"sink\",\"parallelism\":1}],"
        + "\"edges\":["
        + "{\"from\":\"src\",\"to\":\"parse\",\"partitioning\":\"forward\"" + edgeExtra + "},"
        + "{\"from\":\"parse\",\"to\":\"words\",\"partitioning\":\"rebalance\"},"
        + "{\"from\":\"words\",\"to\":\"keep\",\"partitioning\":\"forward\"},"
        + "{\"from\":\"keep\",\"to\":\"counts\",\"partitioning\":\"hash\"},"
        + "{\"from\":\"counts\",\"to\":\"out\",\"partitioning\":\"rebalance\"}]}}";
  }

  static StreamGraph streamGraph(String json) throws Exception {
    JobConfig cfg = JobConfig.parse(json);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(Main.flinkConfiguration(cfg));
    JobBuilder.build(env, cfg);
    return env.getStreamGraph();
  }

  static StreamNode node(StreamGraph g, String name) {
    return g.getStreamNodes().stream().filter(n -> n.getOperatorName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no operator " + name));
  }

  static String partitioner(StreamGraph g, String from, String to) {
    for (StreamEdge e : node(g, to).getInEdges()) {
      if (g.getStreamNode(e.getSourceId()).getOperatorName().equals(from)) return e.getPartitioner().toString();
    }
    throw new AssertionError("no edge " + from + " -> " + to);
  }

  @Test
  void everyKindIsBuiltNamedByIdWithItsParallelism() throws Exception {
    StreamGraph g = streamGraph(graph("", ""));
    assertEquals(2, node(g, "Source: src").getParallelism());
    assertEquals(2, node(g, "src-records").getParallelism());
    assertEquals(2, node(g, "parse").getParallelism());
    assertEquals(3, node(g, "words").getParallelism());
    assertEquals(3, node(g, "keep").getParallelism());
    assertEquals(2, node(g, "counts").getParallelism());
    assertEquals(1, node(g, "out: Writer").getParallelism());
    assertEquals("src", node(g, "Source: src").getTransformationUID());
    assertEquals("counts", node(g, "counts").getTransformationUID());
  }

  @Test
  void edgesArePartitionedAsTheScenarioSays() throws Exception {
    StreamGraph g = streamGraph(graph("", ""));
    assertEquals("FORWARD", partitioner(g, "src-watermarks", "parse"));
    assertEquals("REBALANCE", partitioner(g, "parse", "words"));
    assertEquals("FORWARD", partitioner(g, "words", "keep"));
    assertEquals("HASH", partitioner(g, "keep", "counts"));
    assertEquals("REBALANCE", partitioner(g, "counts", "out: Writer"));
  }

  static List<String> jobVertices(String json) throws Exception {
    JobGraph jg = streamGraph(json).getJobGraph(GraphBuilderTest.class.getClassLoader(), new JobID());
    List<String> names = new ArrayList<>();
    for (JobVertex v : jg.getVerticesSortedTopologicallyFromSources()) names.add(v.getName());
    return names;
  }

  @Test
  void forwardEdgesChainLikeFlinkAndChainFalseOrChainingOffSplitsThem() throws Exception {
    assertEquals(List.of("Source: src -> src-records -> src-watermarks -> parse", "words -> keep", "counts", "out: Writer"), jobVertices(graph("", "")));
    assertEquals(List.of("Source: src -> src-records -> src-watermarks", "parse", "words -> keep", "counts", "out: Writer"),
        jobVertices(graph("", ",\"chain\":false")));
    assertEquals(8, jobVertices(graph("\"chaining\":false,", "")).size());
  }

  static String bad(String json) {
    return assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(json)).getMessage();
  }

  @Test
  void aGraphTheJobCannotBuildIsOneLineNamingTheField() throws Exception {
    String g = graph("", "");
    assertEquals("graph.edges[0].partitioning: forward needs equal parallelism (src 2, parse 1)",
        bad(g.replace("{\"id\":\"parse\",\"kind\":\"map\",\"parallelism\":2", "{\"id\":\"parse\",\"kind\":\"map\",\"parallelism\":1")));
    assertEquals("graph.vertices[2].kind: the job cannot build \"join\" (known: source, map, flatMap, filter, window, sink)",
        bad(g.replace("\"kind\":\"flatMap\"", "\"kind\":\"join\"")));
    assertEquals("graph.edges[3].partitioning must be hash: \"counts\" is a keyed window",
        bad(g.replace("\"to\":\"counts\",\"partitioning\":\"hash\"", "\"to\":\"counts\",\"partitioning\":\"rebalance\"")));
    assertEquals("graph.vertices[5].parallelism must be 1: the sink accounts for every record",
        bad(g.replace("\"kind\":\"sink\",\"parallelism\":1", "\"kind\":\"sink\",\"parallelism\":2")));
    assertEquals("graph.vertices[3].selectivity.type: unknown count law \"zipf\"",
        bad(g.replace("{\"type\":\"bernoulli\",\"p\":0.5}", "{\"type\":\"zipf\"}")));
    assertEquals("graph.offload.vertex: a scenario-built job offloads a window (partial aggregates); \"parse\" is a map (the tokenizer shape offloads its map/flatMap)",
        bad(g.replace("\"keys\":", "\"offload\":{\"vertex\":\"parse\"},\"keys\":")));
    assertEquals("graph.vertices[4].window.aggregate: the job aggregates count or sum, not \"max\"",
        bad(g.replace("\"window\":{\"size_ms\":500}", "\"window\":{\"size_ms\":500,\"aggregate\":\"max\"}")));
    JobConfig.parse(g.replace("\"window\":{\"size_ms\":500}", "\"window\":{\"size_ms\":500,\"aggregate\":\"sum\"}"));
    assertEquals("graph.edges[1].from: no vertex \"nope\"", bad(g.replace("{\"from\":\"parse\",\"to\":\"words\"", "{\"from\":\"nope\",\"to\":\"words\"")));
  }

  @Test
  void checkReturnsTopologicalOrder() throws Exception {
    JobConfig cfg = JobConfig.parse(graph("", ""));
    assertEquals("src,parse,words,keep,counts,out",
        GraphBuilder.check(cfg).stream().map(v -> v.id).collect(Collectors.joining(",")));
  }
}
