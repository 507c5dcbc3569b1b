"""How well the insight engine finds the truth, measured on worlds it was not built with.

`world` generates an organisation's data with null dynamics and planted effects (its own
generator, independent of `smi.demo`); `build` writes it as canonical CSV and imports it
through the real importer and enrichment; `matching` decides which finding recalls which
planted effect, which is false and which is a duplicate; `run` scores seeds and writes the
results. `smi evaluate` is the command; docs/accuracy.md holds the rule and the numbers.
"""

from __future__ import annotations

from smi.evaluation.run import Evaluation, evaluate, markdown, summary, write_doc

__all__ = ["Evaluation", "evaluate", "markdown", "summary", "write_doc"]
