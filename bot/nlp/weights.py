"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.354, "cont": -0.09, "union": -0.712, "covered": 0.381, "fuzz": 6.904,
    "partial": -0.164, "keyword": 1.439, "anchor": -0.494, "answer": 11.09, "bm25": 9.116,
    "pre_rank": 0.217, "missing": -2.3, "length": 3.041, "foreign": 0.886, "density": -1.8,
}
LEXICAL_BIAS = -4.787
SEMANTIC_WEIGHTS = {
    "cos": -2.952, "cont": 0.783, "union": -1.217, "covered": 1.331, "fuzz": 2.53,
    "partial": -0.316, "keyword": 0.648, "anchor": -0.401, "answer": 10.188, "bm25": 6.724,
    "pre_rank": -0.002, "missing": -1.982, "length": 1.146, "foreign": 1.752,
    "density": -1.134, "emb": 11.073, "emb_rel": 10.347, "passage": 7.006,
    "passage_rel": 7.581, "emb_z": -0.067, "passage_z": 0.316, "emb_rank": 0.417,
    "passage_rank": 0.199, "sentence": 12.178, "sentence_rel": 13.963, "sentence_z": 0.216,
    "emb_best": -14.004, "offtopic_sim": -37.845, "offtopic_gap": 23.841,
}
SEMANTIC_BIAS = 15.981
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.64, 0.19, 1.5
