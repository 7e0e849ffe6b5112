"""Harmful-text classifier, Vietnamese first (see docs/text-classifier.md).

`classifier.TextClassifier` is the entry point; `normalise`, `patterns`, `lexicon` and `model`
are its parts; `train` and `lexicon` are also command-line tools that rebuild the data files.
"""
