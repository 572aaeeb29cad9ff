"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -0.637, "cont": -0.482, "union": 2.824, "covered": -0.534, "fuzz": 6.927,
    "partial": -0.017, "keyword": 1.009, "anchor": -0.188, "answer": 12.085, "bm25": 7.342,
    "pre_rank": 0.272, "missing": -2.842, "length": 3.856, "foreign": 0.748, "density": -1.46,
}
LEXICAL_BIAS = -5.285
SEMANTIC_WEIGHTS = {
    "cos": -2.527, "cont": 0.664, "union": 0.314, "covered": -0.517, "fuzz": 2.921,
    "partial": -0.541, "keyword": 0.487, "anchor": -0.013, "answer": 8.386, "bm25": 5.986,
    "pre_rank": 0.147, "missing": -2.483, "length": 1.421, "foreign": 1.136, "density": -1.375,
    "emb": 11.365, "emb_rel": 9.503, "passage": 11.002, "passage_rel": 11.57, "emb_z": 0.033,
    "passage_z": 0.262, "emb_rank": 0.306, "passage_rank": 0.162, "sentence": 14.692,
    "sentence_rel": 16.186, "sentence_z": 0.223, "emb_best": -14.462, "offtopic_sim": -37.946,
    "offtopic_gap": 23.484, "breaker": 1.907,
}
SEMANTIC_BIAS = 11.81
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.74, 0.14, 1.5
