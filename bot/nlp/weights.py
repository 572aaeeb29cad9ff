"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.212, "cont": -0.238, "union": 2.661, "covered": -0.571, "fuzz": 7.356,
    "partial": -0.091, "keyword": 0.794, "anchor": -0.196, "answer": 11.695, "bm25": 7.386,
    "pre_rank": 0.319, "missing": -2.578, "length": 3.857, "foreign": 0.76, "density": -1.804,
}
LEXICAL_BIAS = -5.301
SEMANTIC_WEIGHTS = {
    "cos": -2.823, "cont": 0.581, "union": 0.876, "covered": -0.814, "fuzz": 4.053,
    "partial": -0.508, "keyword": 0.578, "anchor": -0.03, "answer": 8.41, "bm25": 5.756,
    "pre_rank": 0.123, "missing": -2.332, "length": 1.388, "foreign": 0.993, "density": -1.893,
    "emb": 9.562, "emb_rel": 7.803, "passage": 9.947, "passage_rel": 10.504, "emb_z": 0.063,
    "passage_z": 0.311, "emb_rank": 0.312, "passage_rank": 0.067, "sentence": 13.971,
    "sentence_rel": 15.546, "sentence_z": 0.22, "emb_best": -16.47, "offtopic_sim": -38.962,
    "offtopic_gap": 22.492, "breaker": 3.798,
}
SEMANTIC_BIAS = 17.539
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.6, 0.18, 1.5
