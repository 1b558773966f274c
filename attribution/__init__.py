"""attribution: whose voice does each sentence of a news article carry?

>>> import attribution
>>> analyzer = attribution.load("rules")
>>> result = analyzer.analyze("Officials said the talks stalled.")
>>> result.sentences[0].label
'anonymous_source_quote'
"""

from attribution.labels import ANONYMOUS_SOURCE_QUOTE, DIRECT_FACT, LABELS, REPORTED_CLAIM
from attribution.pipeline import Analyzer, load
from attribution.results import ArticleResult, SentenceResult, to_dataframe, to_dataset

__version__ = "0.1.0"

__all__ = [
    "ANONYMOUS_SOURCE_QUOTE",
    "DIRECT_FACT",
    "LABELS",
    "REPORTED_CLAIM",
    "Analyzer",
    "ArticleResult",
    "SentenceResult",
    "load",
    "to_dataframe",
    "to_dataset",
]
