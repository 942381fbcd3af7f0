package io.spillway.flink.graph;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * map, flatMap and filter: each DATA record costs one {@link Work} unit, then yields its outputs' count (map 1; flatMap
 * and filter a draw from the selectivity law, a function of the record: {@link Draws}). A record's weight is split
 * exactly over its outputs; a record with no output goes to the ledger, which leaves as a LEDGER record every
 * {@link #LEDGER_BATCH} entries and at the end of input. WINDOW and LEDGER records pass through untouched.
 */
public final class RecordOp extends AbstractStreamOperator<Rec> implements OneInputStreamOperator<Rec, Rec>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  static final int LEDGER_BATCH = 1024;

  private final Settings s;
  private transient Ledger ledger;
  private transient StreamRecord<Rec> reuse;

  /** What a record operator needs, fixed when the graph is built. */
  public static final class Settings implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final String id;
    final long seed;
    final Work work;
    /** null = map (always one output). */
    final Draws.Count selectivity;
    /** flatMap outputs get fresh keys from this law; null = keep the input's key. */
    final Draws.Keys keys;

    public Settings(String id, long seed, Work work, Draws.Count selectivity, Draws.Keys keys) {
      this.id = id;
      this.seed = seed;
      this.work = work;
      this.selectivity = selectivity;
      this.keys = keys;
    }
  }

  public RecordOp(StreamOperatorParameters<Rec> params, Settings s) {
    super(params);
    this.s = s;
  }

  @Override
  public void open() throws Exception {
    super.open();
    s.work.open(s.seed, s.id, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    ledger = new Ledger();
    reuse = new StreamRecord<>(null);
  }

  @Override
  public void processElement(StreamRecord<Rec> element) {
    Rec r = element.getValue();
    if (r.kind != Rec.DATA) {
      output.collect(element);
      return;
    }
    s.work.doOne();
    long salt = Draws.salt(s.id);
    int n = s.selectivity == null ? 1 : s.selectivity.draw(i -> Draws.uniform(s.seed, salt + i, r.seq, r.part));
    if (n == 0) {
      ledger.add(r.seq, r.weight);
      if (ledger.size() >= LEDGER_BATCH) output.collect(reuse.replace(ledger.drainInto(Rec.ledger(null, null))));
      return;
    }
    long share = r.weight / n;
    for (int i = 0; i < n; i++) {
      long part = n == 1 ? r.part : Draws.hash(r.part, salt, i, 1);
      long key = s.keys == null ? r.key : s.keys.key(Draws.uniform(s.seed, salt ^ 0x6b65, r.seq, part));
      long w = i == 0 ? r.weight - share * (n - 1) : share; // exact: the weights add up to the input's
      output.collect(reuse.replace(Rec.data(r.seq, r.t, r.et, key, w, part), element.getTimestamp()));
    }
  }

  @Override
  public void endInput() {
    if (ledger.size() > 0) output.collect(reuse.replace(ledger.drainInto(Rec.ledger(null, null))));
  }
}
