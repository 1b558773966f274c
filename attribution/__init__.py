"""attribution: whose voice does each sentence of a news article carry?

>>> import attribution
>>> analyzer = attribution.load("rules")
>>> result = analyzer.analyze("Officials said the talks stalled.")
>>> result.sentences[0].label
'anonymous_source_quote'
>>> analyzer.stage_names
['ingest', 'clean', 'segment', 'classify', 'attribute', 'profile', 'write']

Stages can be replaced (``analyzer.replace_stage("clean", my_cleaner)``) or switched off
(``attribution.load("rules", disable=["profile"])``); see :mod:`attribution.stages` for each one's contract.
"""

from attribution.document import Document
from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, LABELS, REPORTED_CLAIM
from attribution.pipeline import Analyzer, load
from attribution.results import ArticleResult, Prediction, SentenceResult, to_dataframe, to_dataset
from attribution.stages import STAGE_NAMES

__version__ = "0.1.0"

__all__ = [
    "ANONYMOUS_SOURCE_QUOTE",
    "DIRECT_FACT",
    "LABELS",
    "REPORTED_CLAIM",
    "Analyzer",
    "STAGE_NAMES",
    "ArticleResult",
    "Document",
    "Prediction",
    "SentenceResult",
    "load",
    "to_dataframe",
    "to_dataset",
]
