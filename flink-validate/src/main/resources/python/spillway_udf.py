"""The PyFlink table function the job's Python tokenizer runs (registered by PythonTokenizerStage.java as
``spillway_udf.tokenize``): one output row per line, (token count, service ns), like the Java flatMap's one Result.
"""

from pyflink.table import DataTypes
from pyflink.table.udf import udtf

import spillway_tokenizer


@udtf(result_types=[DataTypes.INT(), DataTypes.BIGINT()])
def tokenize(text, work_us, wait_ms):
    yield spillway_tokenizer.process(text, work_us, wait_ms)
