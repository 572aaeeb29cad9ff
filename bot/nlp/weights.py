"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.297, "cont": -0.232, "union": 2.776, "covered": -0.545, "fuzz": 7.366,
    "partial": -0.051, "keyword": 0.786, "anchor": -0.201, "answer": 11.849, "bm25": 7.429,
    "pre_rank": 0.31, "missing": -2.665, "length": 3.823, "foreign": 0.787, "density": -1.736,
}
LEXICAL_BIAS = -5.302
SEMANTIC_WEIGHTS = {
    "cos": -2.994, "cont": 0.653, "union": 0.883, "covered": -0.968, "fuzz": 3.825,
    "partial": -0.491, "keyword": 0.446, "anchor": 0.032, "answer": 8.212, "bm25": 6.374,
    "pre_rank": 0.139, "missing": -2.506, "length": 1.364, "foreign": 1.114, "density": -1.585,
    "emb": 10.517, "emb_rel": 8.586, "passage": 10.807, "passage_rel": 11.418, "emb_z": 0.079,
    "passage_z": 0.316, "emb_rank": 0.261, "passage_rank": 0.067, "sentence": 15.148,
    "sentence_rel": 16.876, "sentence_z": 0.228, "emb_best": -17.913, "offtopic_sim": -39.301,
    "offtopic_gap": 21.389, "breaker": 1.975,
}
SEMANTIC_BIAS = 16.514
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.66, 0.19, 1.5
