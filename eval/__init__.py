"""The evaluator: scores systems' sentence labels against a hand-labelled set (``attribution evaluate``).

``gold`` loads gold sets, ``predictions`` reads or makes a system's output, ``align`` matches the two,
``metrics`` and ``bootstrap`` compute the figures, ``evaluate`` assembles the report, ``table`` and
``report`` present it, ``cli`` is the subcommand.
"""
