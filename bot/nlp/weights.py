"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.354, "cont": -0.09, "union": -0.712, "covered": 0.381, "fuzz": 6.904,
    "partial": -0.164, "keyword": 1.439, "anchor": -0.494, "answer": 11.09, "bm25": 9.116,
    "pre_rank": 0.217, "missing": -2.3, "length": 3.041, "foreign": 0.886, "density": -1.8,
}
LEXICAL_BIAS = -4.787
SEMANTIC_WEIGHTS = {
    "cos": -2.475, "cont": 0.709, "union": -0.896, "covered": 0.51, "fuzz": 2.285,
    "partial": -0.417, "keyword": 0.836, "anchor": -0.307, "answer": 8.815, "bm25": 6.162,
    "pre_rank": 0.009, "missing": -1.856, "length": 0.803, "foreign": 1.249, "density": -1.385,
    "emb": 10.646, "emb_rel": 10.043, "passage": 8.38, "passage_rel": 9.043, "emb_z": -0.04,
    "passage_z": 0.27, "emb_rank": 0.333, "passage_rank": 0.152, "sentence": 12.352,
    "sentence_rel": 14.118, "sentence_z": 0.17, "emb_best": -14.053, "offtopic_sim": -38.133,
    "offtopic_gap": 24.08,
}
SEMANTIC_BIAS = 16.696
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.53, 0.2, 1.5
