"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.212, "cont": -0.238, "union": 2.661, "covered": -0.571, "fuzz": 7.356,
    "partial": -0.091, "keyword": 0.794, "anchor": -0.196, "answer": 11.695, "bm25": 7.386,
    "pre_rank": 0.319, "missing": -2.578, "length": 3.857, "foreign": 0.76, "density": -1.804,
}
LEXICAL_BIAS = -5.301
SEMANTIC_WEIGHTS = {
    "cos": -3.044, "cont": 0.796, "union": 1.0, "covered": -1.017, "fuzz": 4.072,
    "partial": -0.54, "keyword": 0.523, "anchor": -0.008, "answer": 8.29, "bm25": 6.379,
    "pre_rank": 0.141, "missing": -2.462, "length": 1.333, "foreign": 1.112, "density": -1.678,
    "emb": 9.839, "emb_rel": 8.029, "passage": 10.633, "passage_rel": 11.228, "emb_z": 0.072,
    "passage_z": 0.325, "emb_rank": 0.277, "passage_rank": 0.062, "sentence": 14.991,
    "sentence_rel": 16.682, "sentence_z": 0.231, "emb_best": -18.494, "offtopic_sim": -40.03,
    "offtopic_gap": 21.536, "breaker": 1.993,
}
SEMANTIC_BIAS = 18.497
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.74, 0.18, 1.7
